"""Where PySide6's type stubs disagree with the binding, in one place.

Qt's ``const char *`` parameters (an image format such as ``"PNG"``, an enum's key names) are
typed ``bytes`` in PySide6's stubs, but the binding (6.6 to 6.11) takes only ``str`` there and
raises ``ValueError`` for ``bytes``.
"""

from __future__ import annotations

from typing import cast


def char_p(text: str) -> bytes:
    """``text`` for a Qt ``const char *`` parameter: the binding wants the ``str`` itself; the
    cast only tells the stubs, which say ``bytes``."""
    return cast(bytes, text)
