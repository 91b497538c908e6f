"""How the record pages write dates, numbers and long addresses in the patient's language."""

from __future__ import annotations

from datetime import date, datetime

from assistant.i18n import _, format_date, format_decimal


def day_text(d: date | datetime | None) -> str:
    """A date in words in the current language, or "date not known"."""
    if d is None:
        return _("Date not known")
    return format_date(d, "long")


def number_text(x: float | None) -> str:
    """A quantity or value with the language's decimal sign, at most 2 decimals."""
    if x is None:
        return ""
    return format_decimal(x, max_decimals=2)


def breakable(text: str, longest: int = 20) -> str:
    """Let a long web address wrap after its "/", "." and "-" (a zero-width space), so it never
    makes a page wider than the screen."""
    words = []
    for word in text.split(" "):
        if len(word) > longest:
            for sep in "/.-":
                word = word.replace(sep, sep + "\u200b")
        words.append(word)
    return " ".join(words)
