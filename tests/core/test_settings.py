"""Modes, kiosk configuration file, exit-code hash and where files may be written."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

import pytest

from assistant import settings as settings_mod
from assistant.errors import BadDataError
from assistant.settings import (
    KioskConfig,
    Mode,
    Preferences,
    Settings,
    add_arguments,
    config_is_locked,
    config_is_private,
    kiosk_config_from_mapping,
    load_kiosk_config,
    load_preferences,
    notes_path,
    save_preferences,
    settings_from_args,
)
from assistant.staff_code import PUBLISHED_EXAMPLE_CODE, hash_staff_code

# A cheap scrypt cost keeps the tests fast; the format checker still accepts it (N >= 4096).
FAST_N = 2**12
EXIT_HASH = hash_staff_code("2468", n=FAST_N)
ROOT = Path(__file__).resolve().parents[2]


def kiosk_toml(**over: str) -> str:
    values = {
        "pharmacy_name": '"Pharmacie du Parc"',
        "exit_code_hash": f'"{EXIT_HASH}"',
        "languages": '["fr", "nl"]',
        "default_language": '"nl"',
        "idle_timeout_seconds": "90",
        "warning_seconds": "25",
    }
    values.update(over)
    body = "\n".join(f"{k} = {v}" for k, v in values.items() if v)
    return (
        "[kiosk]\n" + body + "\n\n[[kiosk.help_contacts]]\n"
        'name = "Pharmacist at the counter"\nphone = "02 123 45 67"\n'
    )


@pytest.fixture
def locked_dir(tmp_path: Path) -> Path:
    d = tmp_path / "etc"
    d.mkdir()
    d.chmod(0o755)
    return d


def write_config(folder: Path, text: str, mode: int = 0o640) -> Path:
    p = folder / "kiosk.toml"
    p.write_text(text, encoding="utf-8")
    p.chmod(mode)
    return p


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    "bad",
    ["2468", "", "md5$abc$def", "scrypt$16$8$1$AAAA$AAAA", "pbkdf2_sha256$10$AAAAAAAAAAA=$AAAA"],
)
def test_clear_or_weak_hashes_are_refused(bad: str) -> None:
    with pytest.raises(BadDataError):
        kiosk_config_from_mapping({"pharmacy_name": "P", "exit_code_hash": bad})


def test_the_published_example_code_is_refused_whatever_its_salt() -> None:
    shipped = (ROOT / "packaging" / "kiosk" / "kiosk.toml").read_text(encoding="utf-8")
    shipped_hash = next(
        line.split("=", 1)[1].strip().strip('"')
        for line in shipped.splitlines()
        if line.startswith("exit_code_hash")
    )
    for stored in (shipped_hash, hash_staff_code(PUBLISHED_EXAMPLE_CODE, n=FAST_N)):
        with pytest.raises(BadDataError, match="published example"):
            kiosk_config_from_mapping({"pharmacy_name": "P", "exit_code_hash": stored})


# --- kiosk configuration ------------------------------------------------------------------


def test_load_locked_kiosk_config(locked_dir: Path) -> None:
    path = write_config(locked_dir, kiosk_toml())
    if os.geteuid() != 0:  # pragma: no cover - CI and this machine run as root
        pytest.skip("needs root to own the file")
    cfg = load_kiosk_config(path)
    assert cfg.pharmacy_name == "Pharmacie du Parc"
    assert cfg.languages == ("fr", "nl")
    assert cfg.default_language == "nl"
    assert cfg.idle_timeout_seconds == 90.0
    assert cfg.warning_seconds == 25.0
    assert cfg.speech_on is True
    assert cfg.help_contacts[0].name == "Pharmacist at the counter"
    assert cfg.help_contacts[0].phone == "02 123 45 67"
    assert cfg.check_exit_code("2468")
    assert not cfg.check_exit_code("0000")


@pytest.mark.parametrize("mode", [0o666, 0o664, 0o646, 0o622, 0o644, 0o604])
def test_writable_or_world_readable_config_is_refused(locked_dir: Path, mode: int) -> None:
    path = write_config(locked_dir, kiosk_toml(), mode)
    with pytest.raises(BadDataError, match="not locked"):
        load_kiosk_config(path)
    # The same file is accepted only when the caller explicitly does not require the lock.
    assert load_kiosk_config(path, require_locked=False).pharmacy_name == "Pharmacie du Parc"


def test_config_in_writable_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o777)
    path = write_config(folder, kiosk_toml())
    with pytest.raises(BadDataError, match="folder"):
        load_kiosk_config(path)


def _fake_stat(uid: int, mode: int) -> os.stat_result:
    return os.stat_result((mode, 0, 0, 1, uid, 0, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("uid", "mode", "locked"),
    [
        (0, stat.S_IFREG | 0o644, True),
        (0, stat.S_IFREG | 0o600, True),
        (1000, stat.S_IFREG | 0o644, False),  # owned by the kiosk user: it could edit it
        (0, stat.S_IFREG | 0o664, False),
        (0, stat.S_IFREG | 0o646, False),
        (0, stat.S_IFDIR | 0o755, True),
        (0, stat.S_IFDIR | 0o777, False),
    ],
)
def test_config_is_locked(uid: int, mode: int, locked: bool) -> None:
    assert config_is_locked(_fake_stat(uid, mode)) is locked


@pytest.mark.parametrize(
    ("uid", "mode", "private"),
    [
        (0, stat.S_IFREG | 0o640, True),  # root:kiosk, the kiosk user reads it through its group
        (0, stat.S_IFREG | 0o600, True),
        (0, stat.S_IFREG | 0o644, False),  # anyone could try the staff code's hash offline
        (0, stat.S_IFREG | 0o660, False),
        (1000, stat.S_IFREG | 0o600, False),
    ],
)
def test_config_is_private(uid: int, mode: int, private: bool) -> None:
    assert config_is_private(_fake_stat(uid, mode)) is private


def test_non_root_owned_config_is_refused(
    locked_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(locked_dir, kiosk_toml())
    real_stat = Path.stat

    def stat_as_user(self: Path, **kw: bool) -> os.stat_result:
        st_ = real_stat(self, **kw)
        if self == path:
            return _fake_stat(1000, st_.st_mode)
        return st_

    monkeypatch.setattr(Path, "stat", stat_as_user)
    with pytest.raises(BadDataError, match="owned by root"):
        load_kiosk_config(path)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"warning_seconds": "19"}, "at least 20"),
        ({"warning_seconds": "90"}, "below the timeout"),
        ({"idle_timeout_seconds": "5"}, "between"),
        ({"idle_timeout_seconds": '"soon"'}, "seconds"),
        ({"languages": '["fr", "xx"]'}, "unknown language"),
        ({"languages": "[]"}, "non-empty"),
        ({"default_language": '"de"'}, "default_language"),
        ({"pharmacy_name": '""'}, "pharmacy_name"),
        ({"exit_code_hash": ""}, "exit_code_hash"),
        ({"exit_code": '"1234"'}, "unknown keys"),
    ],
)
def test_bad_kiosk_values_are_refused(
    locked_dir: Path, override: dict[str, str], message: str
) -> None:
    path = write_config(locked_dir, kiosk_toml(**override))
    with pytest.raises(BadDataError, match=message):
        load_kiosk_config(path)


def test_broken_toml_and_missing_file(locked_dir: Path) -> None:
    path = write_config(locked_dir, "[kiosk\npharmacy_name = ")
    with pytest.raises(BadDataError, match="TOML"):
        load_kiosk_config(path)
    with pytest.raises(BadDataError):
        load_kiosk_config(locked_dir / "missing.toml")


def test_example_config_in_packaging_is_valid_once_its_code_is_changed(tmp_path: Path) -> None:
    example = ROOT / "packaging" / "kiosk" / "kiosk.toml"
    with pytest.raises(BadDataError, match="published example"):
        load_kiosk_config(example, require_locked=False)
    text = example.read_text(encoding="utf-8")
    own = tmp_path / "kiosk.toml"
    own.write_text(
        "\n".join(
            f'exit_code_hash = "{EXIT_HASH}"' if line.startswith("exit_code_hash") else line
            for line in text.splitlines()
        ),
        encoding="utf-8",
    )
    cfg = load_kiosk_config(own, require_locked=False)
    assert cfg.warning_seconds >= 20
    assert cfg.check_exit_code("2468")


# --- settings, modes and paths ------------------------------------------------------------


def test_home_mode_writes_to_user_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    assert s.mode is Mode.HOME
    assert s.may_write_personal_data
    assert s.notes_path() == tmp_path / "notes.json"
    assert s.session_log_folder() is None
    assert s.idle_timeout_seconds is None


def test_home_default_folder_is_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = Settings().data_folder()
    assert folder is not None and folder.is_relative_to(tmp_path)


def _kiosk_cfg() -> KioskConfig:
    return KioskConfig(pharmacy_name="P", exit_code_hash=EXIT_HASH)


@pytest.mark.parametrize(
    "s",
    [
        Settings(mode=Mode.MEDIATOR),
        Settings(mode=Mode.KIOSK, kiosk=_kiosk_cfg()),
        Settings(mode=Mode.HOME, training=True, demo=True),
    ],
)
def test_modes_that_write_nothing_personal(s: Settings, tmp_path: Path) -> None:
    s2 = s.replace(data_dir=tmp_path)
    assert not s2.may_write_personal_data
    assert s2.notes_path() is None
    assert s2.preferences_path() is None
    assert not save_preferences(s2, Preferences(language="fr"))
    assert list(tmp_path.iterdir()) == []


def test_module_notes_path_follows_installed_settings(tmp_path: Path) -> None:
    before = settings_mod.current()
    try:
        settings_mod.install(Settings(data_dir=tmp_path))
        assert notes_path() == tmp_path / "notes.json"
        settings_mod.install(Settings(mode=Mode.MEDIATOR, data_dir=tmp_path))
        assert notes_path() is None
    finally:
        settings_mod.install(before)


def test_settings_validation() -> None:
    with pytest.raises(ValueError):
        Settings(text_scale=2.5)
    with pytest.raises(ValueError):
        Settings(mode=Mode.KIOSK)
    with pytest.raises(ValueError):
        Settings(language="es")


def test_settings_are_immutable_values(tmp_path: Path) -> None:
    a = Settings(mode=Mode.MEDIATOR, language="nl", text_scale=1.5, session_log_dir=tmp_path)
    with pytest.raises(AttributeError):
        a.language = "fr"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del a.mode
    # equal (and same hash) whatever the folders; any other field makes them differ
    b = Settings(mode=Mode.MEDIATOR, language="nl", text_scale=1.5)
    assert a == b and hash(a) == hash(b) and a != "Settings"
    assert a != b.replace(high_contrast=True)
    # replace makes a checked copy and leaves the original as it was
    c = a.replace(language="fr", data_dir=tmp_path / "data")
    assert (c.language, c.data_dir, c.session_log_dir, c.text_scale) == (
        "fr",
        tmp_path / "data",
        tmp_path,
        1.5,
    )
    assert a.language == "nl" and a.data_dir is None
    with pytest.raises(ValueError):
        a.replace(text_scale=3.0)
    with pytest.raises(TypeError):
        a.replace(colour="red")
    assert "language='nl'" in repr(a) and repr(a).startswith("Settings(")


def test_preferences_round_trip_atomic(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    assert load_preferences(s) == Preferences()
    prefs = Preferences(language="nl", text_scale=1.5, high_contrast=True, speech_on=True)
    assert save_preferences(s, prefs)
    assert load_preferences(s) == prefs
    assert [p.name for p in tmp_path.iterdir()] == ["preferences.json"]  # no temp file left
    merged = Settings(data_dir=tmp_path, language="fr").with_preferences(prefs)
    assert merged.language == "fr"  # the command line wins
    assert merged.text_scale == 1.5 and merged.high_contrast and merged.speech_on


def test_corrupt_preferences_give_defaults(tmp_path: Path) -> None:
    (tmp_path / "preferences.json").write_text("{not json", encoding="utf-8")
    assert load_preferences(Settings(data_dir=tmp_path)) == Preferences()


# --- command line -------------------------------------------------------------------------


def test_args_home_default() -> None:
    s = settings_from_args(parse([]))
    assert s == Settings()


def test_args_mediator_training() -> None:
    s = settings_from_args(parse(["--mediator", "--training", "--session-log-dir", "/x"]))
    assert s.mode is Mode.MEDIATOR
    assert s.training and s.demo and s.uses_virtual_card
    assert s.session_log_folder() == Path("/x")
    assert s.idle_timeout_seconds is not None


def test_args_display_options() -> None:
    s = settings_from_args(
        parse(["--language", "de", "--text-scale", "150%", "--high-contrast", "--speech"])
    )
    assert (s.language, s.text_scale, s.high_contrast, s.speech_on) == ("de", 1.5, True, True)
    with pytest.raises(SystemExit):
        parse(["--text-scale", "3"])


def test_args_mediator_and_kiosk_exclusive() -> None:
    with pytest.raises(SystemExit):
        parse(["--mediator", "--kiosk", "/etc/x.toml"])


def test_args_kiosk(locked_dir: Path) -> None:
    path = write_config(locked_dir, kiosk_toml())
    s = settings_from_args(parse(["--kiosk", str(path)]))
    assert s.mode is Mode.KIOSK
    assert s.kiosk is not None and s.kiosk.pharmacy_name == "Pharmacie du Parc"
    assert s.language == "nl"  # the kiosk default language
    assert s.speech_on  # kiosk: speech on by default
    assert s.languages == ("fr", "nl")
    assert s.idle_timeout_seconds == 90.0 and s.warning_seconds == 25.0
    assert not s.may_write_personal_data


def test_args_kiosk_unlocked_file_refused_unless_flag(locked_dir: Path) -> None:
    path = write_config(locked_dir, kiosk_toml(), 0o666)
    with pytest.raises(BadDataError):
        settings_from_args(parse(["--kiosk", str(path)]))
    s = settings_from_args(parse(["--kiosk", str(path), "--kiosk-config-unlocked"]))
    assert s.mode is Mode.KIOSK
