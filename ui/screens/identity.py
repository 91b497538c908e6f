"""Step 5: "Is this you?" — the photo and the name read from the card.

The photo is decoded in the card worker (:func:`decode_photo`, a ``QImage`` may be made on any
thread); the GUI thread only scales it and turns it into a pixmap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from assistant.i18n import _, format_date
from ui import theme as theme_mod
from ui.qt_stub_fixes import char_p
from ui.screens.base import StateScreen
from ui.widgets import Body, Heading

if TYPE_CHECKING:
    from assistant.card.eid import CardData


def decode_photo(photo: bytes | bytearray | None) -> QImage:
    """The card's JPEG photo as an image (null when there is none or it cannot be read).
    Safe in a worker thread."""
    image = QImage()
    if photo:
        image.loadFromData(bytes(photo))
    return image


def warm_up_photo_decoder() -> bool:
    """Load Qt's JPEG codec once (a worker at start), so the first card photo does not wait
    for it. True when a JPEG went through and back."""
    dot = QImage(1, 1, QImage.Format.Format_RGB32)
    dot.fill(0x808080)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    dot.save(buffer, char_p("JPEG"))
    buffer.close()
    return not decode_photo(bytes(data.data())).isNull()


class IdentityScreen(StateScreen):
    screen_id = "confirm_identity"
    icon = "person"
    answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.photo = QLabel(self)
        self.photo.setObjectName("photo")
        self.photo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        facts = QWidget(self)
        col = QVBoxLayout(facts)
        col.setContentsMargins(0, 0, 0, 0)
        self.name = Heading("", facts)
        self.name.setObjectName("patientName")
        self.born = Body("", facts)
        col.addWidget(self.name)
        col.addWidget(self.born)
        col.addStretch(1)
        row.addWidget(facts, 1)
        self.body.addLayout(row)
        self.yes = self.add_action("check", primary=True)
        self.yes.setObjectName("identityYes")
        self.yes.clicked.connect(lambda: self.answered.emit(True))
        self.no = self.add_action("close")
        self.no.setObjectName("identityNo")
        self.no.clicked.connect(lambda: self.answered.emit(False))
        self._card: CardData | None = None
        self._image = QImage()
        theme_mod.notifier().changed.connect(self._on_theme)

    def _on_theme(self, _theme: object) -> None:
        self._show_photo()

    def set_card(self, card: CardData | None, photo: QImage | None = None) -> None:
        """Show the card's holder (``CardData``); None clears everything shown.

        ``photo``: the card's photo already decoded (:func:`decode_photo` in the worker);
        None decodes it here.
        """
        self._card = card
        if card is None:
            self._image = QImage()
            self.photo.clear()
            self.name.setText("")
            self.born.setText("")
            return
        self._image = photo if photo is not None else decode_photo(card.photo)
        self._show_photo()
        self.retranslate()

    def _show_photo(self) -> None:
        if self._card is None:
            return
        image = self._image
        height = round(200 * theme_mod.current().text_scale)
        if image.isNull():
            self.photo.setText("")
            self.photo.setFixedSize(0, 0)
            return
        scaled = QPixmap.fromImage(
            image.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)
        )
        self.photo.setPixmap(scaled)
        self.photo.setFixedSize(scaled.size())

    def retranslate(self) -> None:
        self.heading.setText(_("Is this you?"))
        self.photo.setAccessibleName(_("Photo from the identity card"))
        self.yes.set_text(_("Yes, this is me"))
        self.no.set_text(_("No, this is not me"))
        card = self._card
        if card is None:
            return
        ident = card.identity
        self.name.setText(ident.given_and_surname)
        born = ident.birth_date
        day = born.as_date()
        if day is not None:
            text = format_date(day, "long")
        else:
            text = str(born.year)
        lines = [_("Born on {date}").format(date=text)]
        kind = ident.document_type
        if kind.is_foreigner or kind.is_for_a_child or kind.value == 0:
            # Residence cards and children's cards say what they are (issue 12).
            lines.append(_("Card: {kind}").format(kind=kind.label))
        self.born.setText("\n".join(lines))

    def speech_text(self) -> str:
        return (
            "\n".join(t for t in (self.heading.text(), self.name.text(), self.born.text()) if t)
            + "\n"
            + "\n".join((self.yes.text(), self.no.text()))
        )

    def help_text(self) -> str:
        return _(
            "Look at the photo and the name. They come from the card in the reader. "
            "If this is you, press Yes. If not, press No and put your own card in."
        )
