"""Run modes (home, mediator, kiosk), their options, and where files may be written.

* **Home**: the patient's own PC. Notes and preferences may be saved in the platformdirs user
  data directory.
* **Mediator** (public digital space) and **kiosk** (pharmacy): nothing that names a person is
  ever written; :attr:`Settings.may_write_personal_data` is ``False`` and :func:`notes_path`
  returns ``None``.

The kiosk reads its options from a TOML file that an administrator locks (root-owned, not
writable by group or others); see ``packaging/kiosk/README.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import platformdirs

from assistant.atomic_file import atomic_write_bytes
from assistant.errors import BadDataError
from assistant.staff_code import (
    check_hash_format,
    default_lockout_file,
    is_published_example,
    verify_staff_code,
)

log = logging.getLogger(__name__)

APP_NAME = "dossier-assistant"
APP_AUTHOR = "dossier-assistant"

KNOWN_LANGUAGES: tuple[str, ...] = ("fr", "nl", "en", "de")

#: The inactivity warning must come at least this many seconds before the reset.
MIN_WARNING_SECONDS = 20.0
MIN_IDLE_TIMEOUT_SECONDS = 30.0
MAX_IDLE_TIMEOUT_SECONDS = 3600.0
MIN_TEXT_SCALE = 1.0
MAX_TEXT_SCALE = 2.0

DEFAULT_KIOSK_CONFIG = Path("/etc/dossier-assistant/kiosk.toml")


class FileAccess(Enum):
    """Which files a mode may open or write besides its own settings (one rule, used by the
    record viewer's "Open a file I received", "Save as a PDF file" and printing)."""

    #: Home: the patient's own computer; any folder the patient chooses.
    ANY = "any"
    #: Mediator: a public computer; only the patient's own removable media (USB stick), never
    #: the computer's folders, and printing to a real printer only.
    REMOVABLE_ONLY = "removable"
    #: Kiosk: no files at all; printing to a real printer only.
    NONE = "none"


class Mode(Enum):
    """Who runs the program and where."""

    HOME = "home"
    MEDIATOR = "mediator"
    KIOSK = "kiosk"


# ---------------------------------------------------------------------------------------------
# Kiosk configuration


@dataclass(frozen=True, slots=True)
class HelpContact:
    """Someone the patient can turn to, shown on the kiosk help screen."""

    name: str
    phone: str = ""
    note: str = ""


#: The record sources a kiosk file may name (a kiosk has no browser: no SMART login).
KIOSK_RECORD_SOURCES = frozenset({"portal"})


@dataclass(frozen=True, slots=True)
class KioskConfig:
    """What the administrator set for one pharmacy kiosk."""

    pharmacy_name: str
    exit_code_hash: str
    languages: tuple[str, ...] = KNOWN_LANGUAGES
    default_language: str | None = None
    idle_timeout_seconds: float = 120.0
    warning_seconds: float = 30.0
    speech_on: bool = True
    help_contacts: tuple[HelpContact, ...] = ()
    source: Path | None = None
    #: Where wrong staff codes are counted across restarts (None: in memory only).
    lockout_file: Path | None = None
    #: Where a real card's record comes from: "portal" (the official portal, handed to the
    #: patient's phone by QR). A kiosk has no SMART login (no system browser) and never the
    #: demo hub (only ``--demo`` / ``--training`` use it).
    record_source: str = "portal"

    def check_exit_code(self, code: str | bytearray) -> bool:
        """Whether ``code`` is the pharmacist's exit code."""
        return verify_staff_code(code, self.exit_code_hash)


def config_is_locked(st: os.stat_result) -> bool:
    """Whether a file or folder is owned by root and not writable by group or others."""
    return st.st_uid == 0 and not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def config_is_private(st: os.stat_result) -> bool:
    """Whether a locked kiosk file is also unreadable by others (root:kiosk 0640 or 0600):
    its staff-code hash is not for every user of the machine to try offline."""
    return config_is_locked(st) and not (st.st_mode & stat.S_IROTH)


def _require_locked(path: Path) -> None:
    if os.name != "posix":
        raise BadDataError("a locked kiosk configuration needs a POSIX system")
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise BadDataError("kiosk configuration is not a regular file")
    if not config_is_private(st):
        raise BadDataError(
            "kiosk configuration is not locked: it must be owned by root, readable by the kiosk "
            "user's group only (chown root:kiosk; chmod 0640)"
        )
    parent = path.parent.stat()
    if not config_is_locked(parent):
        raise BadDataError("the folder holding the kiosk configuration must be root-owned, 0755")


def _as_str(table: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise BadDataError(f"kiosk configuration: {key} must be text")
    return value


def _as_seconds(table: Mapping[str, Any], key: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadDataError(f"kiosk configuration: {key} must be a number of seconds")
    return float(value)


def kiosk_config_from_mapping(data: Mapping[str, Any], source: Path | None = None) -> KioskConfig:
    """Validate a parsed kiosk TOML document (top level or its ``[kiosk]`` table)."""
    table = data.get("kiosk", data)
    if not isinstance(table, Mapping):
        raise BadDataError("kiosk configuration: [kiosk] must be a table")
    known = {
        "pharmacy_name",
        "exit_code_hash",
        "languages",
        "default_language",
        "idle_timeout_seconds",
        "warning_seconds",
        "speech_on",
        "help_contacts",
        "record_source",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        raise BadDataError(f"kiosk configuration: unknown keys {unknown}")

    pharmacy_name = _as_str(table, "pharmacy_name", "").strip()
    if not pharmacy_name:
        raise BadDataError("kiosk configuration: pharmacy_name is missing")

    exit_code_hash = _as_str(table, "exit_code_hash", "")
    try:
        check_hash_format(exit_code_hash)
    except ValueError as exc:
        raise BadDataError(f"kiosk configuration: {exc}") from None
    if is_published_example(exit_code_hash):
        raise BadDataError(
            "kiosk configuration: exit_code_hash is the published example code; make the hash "
            "of your own staff code with: dossier-assistant staff-code"
        )

    languages_raw = table.get("languages", list(KNOWN_LANGUAGES))
    if not isinstance(languages_raw, list) or not languages_raw:
        raise BadDataError("kiosk configuration: languages must be a non-empty list")
    languages: list[str] = []
    for code in languages_raw:
        if not isinstance(code, str) or code not in KNOWN_LANGUAGES:
            raise BadDataError(f"kiosk configuration: unknown language {code!r}")
        if code not in languages:
            languages.append(code)

    default_language = table.get("default_language")
    if default_language is not None and default_language not in languages:
        raise BadDataError("kiosk configuration: default_language must be one of languages")

    idle = _as_seconds(table, "idle_timeout_seconds", 120.0)
    warning = _as_seconds(table, "warning_seconds", 30.0)
    if not MIN_IDLE_TIMEOUT_SECONDS <= idle <= MAX_IDLE_TIMEOUT_SECONDS:
        raise BadDataError(
            f"kiosk configuration: idle_timeout_seconds must be between "
            f"{MIN_IDLE_TIMEOUT_SECONDS:g} and {MAX_IDLE_TIMEOUT_SECONDS:g}"
        )
    if warning < MIN_WARNING_SECONDS:
        raise BadDataError(
            f"kiosk configuration: warning_seconds must be at least {MIN_WARNING_SECONDS:g}"
        )
    if warning >= idle:
        raise BadDataError("kiosk configuration: warning_seconds must be below the timeout")

    speech_on = table.get("speech_on", True)
    if not isinstance(speech_on, bool):
        raise BadDataError("kiosk configuration: speech_on must be true or false")

    contacts_raw = table.get("help_contacts", [])
    if not isinstance(contacts_raw, list):
        raise BadDataError("kiosk configuration: help_contacts must be a list of tables")
    contacts: list[HelpContact] = []
    for item in contacts_raw:
        if not isinstance(item, Mapping):
            raise BadDataError("kiosk configuration: each help contact must be a table")
        name = _as_str(item, "name", "").strip()
        if not name:
            raise BadDataError("kiosk configuration: a help contact has no name")
        contacts.append(
            HelpContact(
                name=name,
                phone=_as_str(item, "phone", "").strip(),
                note=_as_str(item, "note", "").strip(),
            )
        )

    record_source = _as_str(table, "record_source", "portal")
    if record_source not in KIOSK_RECORD_SOURCES:
        raise BadDataError(
            f"kiosk configuration: record_source must be one of {sorted(KIOSK_RECORD_SOURCES)}"
        )

    return KioskConfig(
        pharmacy_name=pharmacy_name,
        exit_code_hash=exit_code_hash,
        languages=tuple(languages),
        default_language=default_language,
        idle_timeout_seconds=idle,
        warning_seconds=warning,
        speech_on=speech_on,
        help_contacts=tuple(contacts),
        source=source,
        lockout_file=None if source is None else default_lockout_file(),
        record_source=record_source,
    )


def load_kiosk_config(path: str | os.PathLike[str], *, require_locked: bool = True) -> KioskConfig:
    """Read and check the kiosk TOML file.

    With ``require_locked`` (the default, and what the kiosk uses) the file must be owned by
    root and not writable by group or others, and so must its folder; otherwise BadDataError.
    """
    p = Path(path)
    try:
        if require_locked:
            _require_locked(p)
        raw = p.read_bytes()
    except OSError as exc:
        raise BadDataError(f"cannot read kiosk configuration: {exc.strerror}") from None
    import tomllib  # (kiosk only: ~3 ms that other starts do without)

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadDataError(f"kiosk configuration is not valid TOML: {exc}") from None
    return kiosk_config_from_mapping(data, source=p)


# ---------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the program needs to know about how it was started.

    Immutable; :meth:`replace` makes a changed copy. Two settings are equal when everything but
    the folders is (the same run, whether a test or a portable install moved its files).
    """

    mode: Mode = Mode.HOME
    demo: bool = False
    training: bool = False
    language: str | None = None
    text_scale: float = 1.0
    high_contrast: bool = False
    speech_on: bool = False
    kiosk: KioskConfig | None = None
    #: Overrides the platformdirs data folder (home mode only; tests and portable installs).
    data_dir: Path | None = field(default=None, compare=False)
    #: Folder for the anonymous session log (mediator/kiosk); None = the platformdirs log folder.
    session_log_dir: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not MIN_TEXT_SCALE <= self.text_scale <= MAX_TEXT_SCALE:
            raise ValueError("text_scale must be between 1.0 and 2.0")
        if self.mode is Mode.KIOSK and self.kiosk is None:
            raise ValueError("kiosk mode needs a KioskConfig")
        if self.language is not None and self.language not in KNOWN_LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}")

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (field=value), checked like new settings."""
        return dataclasses.replace(self, **changes)

    @property
    def may_write_personal_data(self) -> bool:
        """Only at home, and never in training, may anything naming a person reach the disk."""
        return self.mode is Mode.HOME and not self.training

    @property
    def file_access(self) -> FileAccess:
        """What "open a file" and "save a file" may reach in this mode."""
        if self.mode is Mode.KIOSK:
            return FileAccess.NONE
        if self.mode is Mode.MEDIATOR:
            return FileAccess.REMOVABLE_ONLY
        return FileAccess.ANY

    @property
    def uses_virtual_card(self) -> bool:
        """Demo and training run with the virtual card and the embedded demo hub."""
        return self.demo or self.training

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages offered on the language step."""
        if self.kiosk is not None:
            return self.kiosk.languages
        return KNOWN_LANGUAGES

    @property
    def idle_timeout_seconds(self) -> float | None:
        """Inactivity before the automatic reset, or None (home mode: no reset)."""
        if self.kiosk is not None:
            return self.kiosk.idle_timeout_seconds
        if self.mode is Mode.MEDIATOR:
            return 600.0
        return None

    @property
    def warning_seconds(self) -> float:
        if self.kiosk is not None:
            return self.kiosk.warning_seconds
        return 60.0

    def data_folder(self) -> Path | None:
        """Folder for the patient's own notes and preferences, or None when writing is barred."""
        if not self.may_write_personal_data:
            return None
        if self.data_dir is not None:
            return self.data_dir
        return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))

    def session_log_folder(self) -> Path | None:
        """Folder for the anonymous EPN session log (mediator and kiosk), or None at home."""
        if self.mode is Mode.HOME:
            return None
        if self.session_log_dir is not None:
            return self.session_log_dir
        return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)) / "sessions"

    def notes_path(self) -> Path | None:
        """File for the patient's questions and notes, or None (mediator, kiosk, training)."""
        folder = self.data_folder()
        return None if folder is None else folder / "notes.json"

    def preferences_path(self) -> Path | None:
        """File for language, text size, contrast and speech choices, or None."""
        folder = self.data_folder()
        return None if folder is None else folder / "preferences.json"

    def with_preferences(self, prefs: Preferences) -> Settings:
        """These settings with the saved preferences applied (command-line choices win)."""
        return self.replace(
            language=self.language or prefs.language,
            text_scale=max(self.text_scale, prefs.text_scale),
            high_contrast=self.high_contrast or prefs.high_contrast,
            speech_on=self.speech_on or prefs.speech_on,
        )


def user_config_folder() -> Path:
    """The program's folder in the user's configuration folder (read, never written by the
    program: e.g. the record services a person or an installer set up)."""
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


# ---------------------------------------------------------------------------------------------
# Home-mode preferences (no personal data: only display choices)


@dataclass(frozen=True, slots=True)
class Preferences:
    """The patient's display choices (home mode)."""

    language: str | None = None
    text_scale: float = 1.0
    high_contrast: bool = False
    speech_on: bool = False


def load_preferences(settings: Settings) -> Preferences:
    """Saved display choices, or the defaults when none are saved or they cannot be read."""
    path = settings.preferences_path()
    if path is None or not path.exists():
        return Preferences()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        language = data.get("language")
        scale = float(data.get("text_scale", 1.0))
        return Preferences(
            language=language if language in KNOWN_LANGUAGES else None,
            text_scale=min(MAX_TEXT_SCALE, max(MIN_TEXT_SCALE, scale)),
            high_contrast=bool(data.get("high_contrast", False)),
            speech_on=bool(data.get("speech_on", False)),
        )
    except (OSError, ValueError, TypeError, AttributeError):
        log.warning("preferences file unreadable; using defaults")
        return Preferences()


def save_preferences(settings: Settings, prefs: Preferences) -> bool:
    """Save display choices (home mode only). Returns False when this mode writes nothing."""
    path = settings.preferences_path()
    if path is None:
        return False
    data = {
        "language": prefs.language,
        "text_scale": prefs.text_scale,
        "high_contrast": prefs.high_contrast,
        "speech_on": prefs.speech_on,
    }
    atomic_write_bytes(path, json.dumps(data, indent=1).encode("utf-8"))
    return True


# ---------------------------------------------------------------------------------------------
# The settings of this run (set once by the app at start)

_current = Settings()


def install(settings: Settings) -> None:
    """Make ``settings`` the settings of this run (called once by the app)."""
    global _current
    _current = settings


def current() -> Settings:
    """The settings of this run (home-mode defaults until :func:`install` is called)."""
    return _current


def notes_path() -> Path | None:
    """Where this run may keep the patient's notes, or None when it must write nothing."""
    return _current.notes_path()


# ---------------------------------------------------------------------------------------------
# Command line


def _text_scale(value: str) -> float:
    try:
        scale = float(value.rstrip("%")) / (100.0 if value.endswith("%") else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError("use a number from 1.0 to 2.0, or 100% to 200%") from None
    if not MIN_TEXT_SCALE <= scale <= MAX_TEXT_SCALE:
        raise argparse.ArgumentTypeError("use a number from 1.0 to 2.0, or 100% to 200%")
    return scale


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the mode and display options to the program's argument parser."""
    group = parser.add_argument_group("mode")
    modes = group.add_mutually_exclusive_group()
    modes.add_argument(
        "--mediator",
        action="store_true",
        help="mediator mode for public digital spaces: guide panel, nothing written to disk",
    )
    modes.add_argument(
        "--kiosk",
        metavar="CONFIG",
        help="pharmacy kiosk mode with the locked configuration file CONFIG (TOML)",
    )
    group.add_argument(
        "--training",
        action="store_true",
        help="practice with the virtual cards and demo patients (implies --demo)",
    )
    group.add_argument(
        "--demo", action="store_true", help="use the virtual eID card and the demo hub"
    )
    group.add_argument(
        "--kiosk-config-unlocked",
        action="store_true",
        help=argparse.SUPPRESS,  # tests and trials only: accept a kiosk file not owned by root
    )
    display = parser.add_argument_group("display")
    display.add_argument("--language", choices=KNOWN_LANGUAGES, help="start in this language")
    display.add_argument(
        "--text-scale", type=_text_scale, default=None, help="text size, 1.0 to 2.0"
    )
    display.add_argument("--high-contrast", action="store_true", help="high-contrast colours")
    display.add_argument("--speech", action="store_true", help="read every screen aloud")
    parser.add_argument(
        "--session-log-dir",
        metavar="DIR",
        default=None,
        help="mediator mode: write the anonymous session log (JSON lines) to DIR",
    )


def settings_from_args(ns: argparse.Namespace) -> Settings:
    """Build the settings from parsed arguments; raises BadDataError for a bad kiosk file."""
    kiosk: KioskConfig | None = None
    mode = Mode.HOME
    if getattr(ns, "kiosk", None):
        mode = Mode.KIOSK
        kiosk = load_kiosk_config(
            ns.kiosk, require_locked=not getattr(ns, "kiosk_config_unlocked", False)
        )
    elif getattr(ns, "mediator", False):
        mode = Mode.MEDIATOR
    training = bool(getattr(ns, "training", False))
    language = getattr(ns, "language", None)
    if language is None and kiosk is not None:
        language = kiosk.default_language
    scale = getattr(ns, "text_scale", None)
    log_dir = getattr(ns, "session_log_dir", None)
    speech = bool(getattr(ns, "speech", False)) or (kiosk is not None and kiosk.speech_on)
    return Settings(
        mode=mode,
        demo=bool(getattr(ns, "demo", False)) or training,
        training=training,
        language=language,
        text_scale=1.0 if scale is None else scale,
        high_contrast=bool(getattr(ns, "high_contrast", False)),
        speech_on=speech,
        kiosk=kiosk,
        session_log_dir=None if log_dir is None else Path(log_dir),
    )
