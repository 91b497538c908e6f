"""The kiosk staff code: only a slow salted hash is kept, the published example never works, and
wrong codes lock the panel for longer each time, also across a restart."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.staff_code import (
    FIRST_LOCKOUT_SECONDS,
    FREE_TRIES,
    MAX_LOCKOUT_SECONDS,
    PUBLISHED_EXAMPLE_CODE,
    StaffLockout,
    hash_staff_code,
    is_published_example,
    lockout_seconds,
    make_hash_main,
    verify_staff_code,
)

FAST_N = 2**12


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_hash_never_holds_the_code() -> None:
    h = hash_staff_code("2468", n=FAST_N)
    assert "2468" not in h
    assert h.startswith("scrypt$")
    assert verify_staff_code("2468", h)
    assert verify_staff_code(bytearray(b"2468"), h)
    assert not verify_staff_code("2469", h)
    assert not verify_staff_code("", h)


def test_two_hashes_of_one_code_differ_by_salt() -> None:
    assert hash_staff_code("1111", n=FAST_N) != hash_staff_code("1111", n=FAST_N)


def test_pbkdf2_hash_is_accepted() -> None:
    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", b"9999", salt, 100_000)
    b64 = base64.b64encode
    h = f"pbkdf2_sha256$100000${b64(salt).decode()}${b64(digest).decode()}"
    assert verify_staff_code("9999", h)
    assert not verify_staff_code("9998", h)


@pytest.mark.parametrize(
    "bad",
    ["2468", "", "md5$abc$def", "scrypt$16$8$1$AAAA$AAAA", "pbkdf2_sha256$10$AAAAAAAAAAA=$AAAA"],
)
def test_clear_or_weak_hashes_never_verify(bad: str) -> None:
    assert not verify_staff_code(bad, bad)


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_hash_property(code: str, other: str) -> None:
    h = hash_staff_code(code, n=FAST_N)
    assert verify_staff_code(code, h)
    assert verify_staff_code(other, h) == (other == code)


def test_published_example_is_recognised_with_any_salt() -> None:
    assert is_published_example(hash_staff_code(PUBLISHED_EXAMPLE_CODE, n=FAST_N))
    assert not is_published_example(hash_staff_code("my-own-code-135", n=FAST_N))


def test_the_example_file_and_readme_name_the_published_code() -> None:
    """If the documented example code changes, the refusal must follow it."""
    root = Path(__file__).resolve().parents[2]
    assert PUBLISHED_EXAMPLE_CODE in (root / "packaging/kiosk/kiosk.toml").read_text("utf-8")


def test_lockout_grows_with_each_new_failure() -> None:
    waits = [lockout_seconds(n) for n in range(1, FREE_TRIES + 8)]
    assert waits[: FREE_TRIES - 1] == [0.0] * (FREE_TRIES - 1)
    locked = waits[FREE_TRIES - 1 :]
    assert locked[0] == FIRST_LOCKOUT_SECONDS
    assert all(b > a for a, b in itertools.pairwise(locked) if a < MAX_LOCKOUT_SECONDS)
    assert lockout_seconds(1000) == MAX_LOCKOUT_SECONDS


def test_lockout_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "state" / "staff-lockout.json"
    first = StaffLockout(path, clock)
    for _ in range(FREE_TRIES - 1):
        assert first.record_failure() == 0.0
    assert first.record_failure() == FIRST_LOCKOUT_SECONDS
    # The program is restarted (a kiosk's unit restarts it): still locked, same count.
    again = StaffLockout(path, clock)
    assert again.seconds_left() == pytest.approx(FIRST_LOCKOUT_SECONDS)
    clock.now += FIRST_LOCKOUT_SECONDS
    assert again.seconds_left() == 0.0
    # The next wrong code doubles the wait instead of giving three fresh tries.
    assert again.record_failure() == 2 * FIRST_LOCKOUT_SECONDS
    assert StaffLockout(path, clock).seconds_left() == pytest.approx(2 * FIRST_LOCKOUT_SECONDS)
    again.record_success()
    fresh = StaffLockout(path, clock)
    assert fresh.failures == 0
    assert fresh.seconds_left() == 0.0


def test_state_file_names_nobody(tmp_path: Path) -> None:
    path = tmp_path / "staff-lockout.json"
    StaffLockout(path, Clock()).record_failure()
    assert set(json.loads(path.read_text("utf-8"))) == {"failures", "locked_until"}
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("content", [b"{not json", b'{"failures": "x"}', b'{"failures": -4}'])
def test_a_damaged_state_file_locks_rather_than_frees(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "staff-lockout.json"
    path.write_bytes(content)
    lock = StaffLockout(path, Clock())
    assert lock.seconds_left() == pytest.approx(FIRST_LOCKOUT_SECONDS)
    assert lock.failures == FREE_TRIES


def test_without_a_file_the_lockout_lives_in_memory() -> None:
    lock = StaffLockout(None, Clock())
    for _ in range(FREE_TRIES):
        lock.record_failure()
    assert lock.seconds_left() == FIRST_LOCKOUT_SECONDS


def _answers(monkeypatch: pytest.MonkeyPatch, *typed: str) -> io.StringIO:
    answers = iter(typed)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    return out


def test_make_hash_prints_a_line_that_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _answers(monkeypatch, "counter-7531", "counter-7531")
    assert make_hash_main([]) == 0
    line = out.getvalue().strip()
    assert line.startswith('exit_code_hash = "scrypt$')
    assert verify_staff_code("counter-7531", line.split('"')[1])


@pytest.mark.parametrize(
    "typed",
    [("abcdef", "abcdeg"), ("abc", "abc"), (PUBLISHED_EXAMPLE_CODE, PUBLISHED_EXAMPLE_CODE)],
)
def test_make_hash_refuses_bad_codes(
    monkeypatch: pytest.MonkeyPatch, typed: tuple[str, str]
) -> None:
    out = _answers(monkeypatch, *typed)
    assert make_hash_main([]) == 1
    assert out.getvalue() == ""
