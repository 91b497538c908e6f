"""What the kiosk says about the pharmacy: the band with its name and the staff button, and
its help contacts for the Help page."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from assistant.i18n import _
from assistant.settings import KioskConfig
from ui import theme as theme_mod
from ui.widgets import BigButton, Pictogram


class KioskBanner(QFrame):
    """The band under the top bar: the pharmacy's name and the (discreet) staff button."""

    def __init__(self, pharmacy_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskBanner")
        self._pharmacy = pharmacy_name
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 4, 16, 4)
        # Sized like the window's bars (their text grows up to 120 %): with 200 % text on
        # 1024×768 the band leaves the screen under it the room it needs.
        self.picto = Pictogram("pharmacy", self, chrome=True)
        self.label = QLabel(self)
        self.label.setObjectName("pharmacyName")
        self.label.setWordWrap(True)
        self.staff_button = BigButton("", "lock", self, chrome=True)
        self.staff_button.setObjectName("staffButton")
        lay.addWidget(self.picto)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.staff_button)
        theme_mod.notifier().changed.connect(self._on_theme)
        self._on_theme()
        self.retranslate()

    def _on_theme(self, _theme: object = None) -> None:
        t = theme_mod.current()
        sheet = (
            f"QLabel#pharmacyName {{ font-size: {t.bar_points('title'):.1f}pt; }} "
            f"BigButton {{ min-height: {t.chrome_target_px()}px; }} "
            f"BigButton QLabel {{ font-size: {t.bar_points():.1f}pt; }}"
        )
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)

    def retranslate(self) -> None:
        text = _("{pharmacy}. Ask us if you need help.").format(pharmacy=self._pharmacy)
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.staff_button.set_text(_("Staff"), _("For the pharmacy staff only."))


def kiosk_help_text(config: KioskConfig) -> str:
    """The help contacts of this kiosk, one per line, for the Help page."""
    lines = [_("You can ask for help here:")]
    for contact in config.help_contacts:
        parts = [contact.name]
        if contact.phone:
            parts.append(_("Phone: {phone}").format(phone=contact.phone))
        if contact.note:
            parts.append(contact.note)
        lines.append(" — ".join(parts))
    return "\n".join(lines)
