"""The pharmacist's staff code of a kiosk: its hash, the published example it may not be, and the
lock-out after wrong codes.

* Only a salted, slow hash of the code is ever stored (``scrypt$N$r$p$salt$hash``, or
  ``pbkdf2_sha256$iterations$salt$hash``), in the kiosk file.
* The code printed in ``packaging/kiosk/kiosk.toml`` and its README is public: a kiosk whose
  hash matches it (whatever the salt) must not start (:func:`is_published_example`).
* Wrong codes lock the staff panel for a time that doubles with every new failure, and the
  lock-out is kept in a small state file, so a restart does not give a fresh set of tries
  (:class:`StaffLockout`). The file names nobody: counts and times only.

``python -m assistant.staff_code`` asks for a new code twice and prints the line for the file.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from assistant.atomic_file import atomic_write_bytes

log = logging.getLogger(__name__)

#: The code written in the example kiosk file and the kiosk README (public: never valid).
PUBLISHED_EXAMPLE_CODE = "change-me-2468"

MIN_CODE_LENGTH = 6

_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_PBKDF2_MIN_ITERATIONS = 100_000


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_staff_code(code: str, *, n: int = _SCRYPT_N, salt: bytes | None = None) -> str:
    """Hash the pharmacist's code for the kiosk file: ``scrypt$N$r$p$salt$hash`` (base64)."""
    if not code:
        raise ValueError("the staff code must not be empty")
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(
        code.encode("utf-8"), salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${n}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_hash_format(stored: str) -> None:
    """Raise ValueError unless ``stored`` is a scrypt or pbkdf2_sha256 hash we can check."""
    parts = stored.split("$")
    try:
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
            if n < 2**12 or n & (n - 1) or r < 1 or p < 1:
                raise ValueError("scrypt parameters too weak")
        elif parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            if int(parts[1]) < _PBKDF2_MIN_ITERATIONS:
                raise ValueError("too few pbkdf2 iterations")
        else:
            raise ValueError("unknown hash format")
        salt = base64.b64decode(parts[-2], validate=True)
        digest = base64.b64decode(parts[-1], validate=True)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"exit_code_hash is not a valid hash: {exc}") from None
    if len(salt) < 8 or len(digest) < 16:
        raise ValueError("exit_code_hash salt or digest too short")


def verify_staff_code(code: str | bytearray, stored: str) -> bool:
    """Whether ``code`` matches the stored hash (constant-time comparison)."""
    try:
        check_hash_format(stored)
    except ValueError:
        return False
    raw = code.encode("utf-8") if isinstance(code, str) else bytes(code)
    parts = stored.split("$")
    salt = base64.b64decode(parts[-2])
    expected = base64.b64decode(parts[-1])
    if parts[0] == "scrypt":
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        got = hashlib.scrypt(raw, salt=salt, n=n, r=r, p=p, dklen=len(expected))
    else:
        got = hashlib.pbkdf2_hmac("sha256", raw, salt, int(parts[1]), dklen=len(expected))
    return hmac.compare_digest(got, expected)


def is_published_example(stored: str) -> bool:
    """Whether ``stored`` is a hash of the code that the example file and README publish."""
    return verify_staff_code(PUBLISHED_EXAMPLE_CODE, stored)


# ---------------------------------------------------------------------------------------------
# Lock-out after wrong codes

#: Wrong codes allowed before the first lock-out.
FREE_TRIES = 3
#: The first lock-out; each wrong code after it doubles the wait, up to the cap.
FIRST_LOCKOUT_SECONDS = 30.0
MAX_LOCKOUT_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class LockoutState:
    """Wrong codes since the last right one, and until when (epoch seconds) no code is checked."""

    failures: int = 0
    locked_until: float = 0.0


def lockout_seconds(failures: int) -> float:
    """How long the panel stays locked after the ``failures``-th wrong code in a row (0: not)."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_LOCKOUT_SECONDS, FIRST_LOCKOUT_SECONDS * 2.0 ** (failures - FREE_TRIES))


def default_lockout_file() -> Path:
    """Where the lock-out survives a restart: systemd's ``StateDirectory`` for the kiosk unit,
    else the user's state folder."""
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return Path(state.split(":")[0]) / "staff-lockout.json"
    return Path(platformdirs.user_state_dir("dossier-assistant")) / "staff-lockout.json"


class StaffLockout:
    """Counts wrong staff codes and says how long to wait; kept in ``path`` across restarts.

    The clock is wall time (a restart loses a monotonic clock). A state file that cannot be
    read counts as a full lock-out of the first length (fail closed), never as a fresh start.
    """

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock
        self._state = self._load()

    def _load(self) -> LockoutState:
        if self._path is None:
            return LockoutState()
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return LockoutState()
        except OSError as exc:
            log.warning("staff lock-out file unreadable: %s", exc.strerror)
            return self._fail_closed()
        try:
            data = json.loads(raw)
            state = LockoutState(int(data["failures"]), float(data["locked_until"]))
        except (ValueError, KeyError, TypeError):
            log.warning("staff lock-out file damaged: treated as locked")
            return self._fail_closed()
        if state.failures < 0:
            return self._fail_closed()
        return state

    def _fail_closed(self) -> LockoutState:
        return LockoutState(FREE_TRIES, self._clock() + FIRST_LOCKOUT_SECONDS)

    def _save(self) -> None:
        if self._path is None:
            return
        data = {"failures": self._state.failures, "locked_until": self._state.locked_until}
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self._path, json.dumps(data).encode("ascii"))
        except OSError as exc:
            log.warning("staff lock-out not kept: %s", exc.strerror)

    @property
    def failures(self) -> int:
        return self._state.failures

    def seconds_left(self) -> float:
        """Seconds until a code may be tried again (0 when it may be tried now)."""
        return max(0.0, self._state.locked_until - self._clock())

    def record_failure(self) -> float:
        """Count one wrong code; return the seconds the panel is now locked (0: not locked)."""
        failures = self._state.failures + 1
        wait = lockout_seconds(failures)
        self._state = LockoutState(failures, self._clock() + wait if wait else 0.0)
        self._save()
        return wait

    def record_success(self) -> None:
        self._state = LockoutState()
        self._save()


def make_hash_main(argv: list[str] | None = None) -> int:
    """Ask for a new staff code twice and print the ``exit_code_hash`` line for the kiosk file."""
    parser = argparse.ArgumentParser(
        prog="dossier-assistant staff-code",
        description="Make the exit_code_hash line for the kiosk configuration file.",
    )
    parser.parse_args(argv)
    first = getpass.getpass("New kiosk staff code: ")
    second = getpass.getpass("Type it again: ")
    if not first or first != second:
        sys.stderr.write("The two codes are empty or differ. Nothing was made.\n")
        return 1
    if len(first) < MIN_CODE_LENGTH:
        sys.stderr.write(f"Use at least {MIN_CODE_LENGTH} characters.\n")
        return 1
    if first == PUBLISHED_EXAMPLE_CODE:
        sys.stderr.write("That is the published example code. Choose your own.\n")
        return 1
    sys.stdout.write(f'exit_code_hash = "{hash_staff_code(first)}"\n')
    return 0


if __name__ == "__main__":
    raise SystemExit(make_hash_main())
