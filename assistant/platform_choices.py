"""What differs between Linux, Windows and macOS, chosen in one place.

Each choice reads the operating system when it is asked (``sys.platform``), so the tests run
every platform's choice on any machine by patching ``sys.platform``: the words about the smart
card service (no Linux words such as pcscd or systemctl on Windows), the speech engines to try
first, and the printer names that mean "writes a file".
"""

from __future__ import annotations

import enum
import sys

from assistant.i18n import _


class OS(enum.Enum):
    LINUX = "linux"
    WINDOWS = "windows"
    MACOS = "macos"


def current() -> OS:
    """The operating system the program runs on (other Unix systems count as Linux)."""
    if sys.platform == "win32":
        return OS.WINDOWS
    if sys.platform == "darwin":
        return OS.MACOS
    return OS.LINUX


def card_service_help() -> str:
    """What the person who helps can do when the smart card service is not running."""
    system = current()
    if system is OS.WINDOWS:
        return _(
            "Start the Windows smart card service (Smart Card), then try again. "
            "Or restart the computer."
        )
    if system is OS.MACOS:
        return _("Restart the computer, then try again.")
    return _("Start it, then try again. On Debian: sudo systemctl start pcscd")


def speech_engines() -> tuple[str, ...]:
    """Qt's text-to-speech engines to use, best first (the first one installed is used;
    with none of them, Qt's default): Speech Dispatcher on Linux (espeak-ng voices), the
    Windows voices (WinRT, then SAPI), the macOS voices."""
    system = current()
    if system is OS.WINDOWS:
        return ("winrt", "sapi")
    if system is OS.MACOS:
        return ("darwin",)
    return ("speechd", "flite")


def file_printer_words() -> tuple[str, ...]:
    """Words in a printer's name, model or description that mean it writes a file instead of
    paper: "Microsoft Print to PDF", "Microsoft XPS Document Writer" and OneNote on Windows;
    CUPS-PDF and "Print to File" on Linux; the PDF printers of macOS."""
    common = ("pdf", "file")
    if current() is OS.WINDOWS:
        return (*common, "xps", "onenote")
    return common
