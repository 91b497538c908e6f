"""My medicines: the day plan (morning, noon, evening, night), the list, open e-prescriptions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from assistant.dayplan import MOMENTS, DayPlan, PlanRow, day_plan
from assistant.i18n import _, format_date, ngettext
from assistant.paper import MOMENT_ICONS, dose_text, moment_word, schedule_lines, status_text
from assistant.records.model import Medication, Prescription
from ui import theme as theme_mod
from ui.record.common import ItemCard, Page, explain_button, small_button
from ui.record.qr import QrCode
from ui.widgets import Body, Pictogram


def today() -> date:
    return date.today()


class DayPlanGrid(QFrame):
    """Rows of medicines, columns morning / noon / evening / night with the quantity to take.

    When the columns do not fit (150 % text and more, or a narrow view such as the mediator's
    side panel), each medicine lists its moments one under the other, each with its pictogram.
    """

    def __init__(self, rows: list[PlanRow], parent: QWidget | None = None, width: int = 0) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.rows = rows
        self.row_texts: list[str] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.table: QWidget | None = None
        #: Width the columns need (known once they were built).
        self.columns_width = 0
        self.compact = False
        self._build(theme_mod.current().text_scale >= 1.5)
        self.setAccessibleName(_("Day plan"))
        self.setAccessibleDescription(" ".join(self.row_texts))
        self.setProperty("speechLines", list(self.row_texts))
        if width:
            self.fit(width)

    def fit(self, width: int) -> None:
        """Choose columns or the list for this width (called when the page is resized)."""
        if theme_mod.current().text_scale >= 1.5:
            return
        compact = self.columns_width > width
        if compact != self.compact:
            self._build(compact)

    def _build(self, compact: bool) -> None:
        if self.table is not None:
            self.table.hide()
            self.table.deleteLater()
        self.compact = compact
        self.row_texts = []
        table = QWidget(self)
        table.setStyleSheet("background: transparent;")
        grid = QGridLayout(table)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        if compact:
            self._build_compact(grid, self.rows, table)
        else:
            self._build_columns(grid, self.rows, table)
            self.columns_width = table.minimumSizeHint().width()
        lay = self.layout()
        assert lay is not None
        lay.addWidget(table)
        self.table = table

    def _name_label(self, row: PlanRow, table: QWidget) -> Body:
        name = Body(row.medication.name, table)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        return name

    def _row_text(self, row: PlanRow, name: Body) -> None:
        spoken = [
            _("{moment}: {dose}").format(moment=moment_word(m), dose=dose_text(d))
            for m, d in row.doses
        ]
        text = _("{name}: {doses}").format(name=row.medication.name, doses="; ".join(spoken))
        name.setAccessibleDescription(text)
        self.row_texts.append(text)

    def _build_columns(self, grid: QGridLayout, rows: list[PlanRow], table: QWidget) -> None:
        for col, moment in enumerate(MOMENTS, start=1):
            head = QWidget(table)
            head.setStyleSheet("background: transparent;")
            lay = QVBoxLayout(head)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(Pictogram(MOMENT_ICONS[moment], head), 0, Qt.AlignmentFlag.AlignHCenter)
            word = Body(moment_word(moment), head)
            word.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            lay.addWidget(word)
            grid.addWidget(head, 0, col)
        for r, row in enumerate(rows, start=1):
            name = self._name_label(row, table)
            grid.addWidget(name, r, 0)
            for col, moment in enumerate(MOMENTS, start=1):
                dose = row.dose_at(moment)
                cell = Body(dose_text(dose) if dose is not None else "—", table)
                cell.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                if dose is None:
                    cell.setAccessibleName(_("Nothing"))
                grid.addWidget(cell, r, col)
            self._row_text(row, name)
        grid.setColumnStretch(0, 3)
        for col in range(1, len(MOMENTS) + 1):
            grid.setColumnStretch(col, 2)

    def _build_compact(self, grid: QGridLayout, rows: list[PlanRow], table: QWidget) -> None:
        line = 0
        for row in rows:
            name = self._name_label(row, table)
            grid.addWidget(name, line, 0, 1, 2)
            line += 1
            for moment, dose in row.doses:
                grid.addWidget(Pictogram(MOMENT_ICONS[moment], table), line, 0)
                text = _("{moment}: {dose}").format(
                    moment=moment_word(moment), dose=dose_text(dose)
                )
                grid.addWidget(Body(text, table), line, 1)
                line += 1
            self._row_text(row, name)
        grid.setColumnStretch(1, 1)


class MedicinesPage(Page):
    key = "medicines"
    icon = "medicines"
    grid: DayPlanGrid | None = None

    def fit_width(self, width: int) -> None:
        if self.grid is not None:
            self.grid.fit(width)

    def title(self) -> str:
        return _("My medicines")

    def build(self) -> Iterator[None]:
        self.grid = None
        day = today()
        all_meds = self.record.medications
        if not all_meds and not self.record.prescriptions:
            self.add_text(_("Your record has no medicines."))
            return
        self.add_part_chooser(len(all_meds), len(self.record.prescriptions))
        meds = all_meds[self.part_slice()]
        plan = day_plan(meds, day)
        self.plan = plan
        yield from self._build_plan(plan)
        yield from self._build_prescriptions(self.record.prescriptions[self.part_slice()])
        self.add_subheading(_("All my medicines"), "pill-bottle")
        self.add_text(
            ngettext(
                "Your record has {n} medicine.", "Your record has {n} medicines.", len(all_meds)
            ).format(n=len(all_meds))
        )
        rows = {id(r.medication): r for r in plan.rows()}
        for med in meds:
            self.add_card(self._medicine_card(med, rows.get(id(med)), day))
            yield

    def _build_plan(self, plan: DayPlan) -> Iterator[None]:
        self.add_subheading(
            _("What to take today, {date}").format(date=format_date(plan.day)), "calendar"
        )
        if plan.today:
            self.add_text(_("Take these medicines at these moments of the day."))
            self.grid = DayPlanGrid(plan.today, self.body, self.scroll.viewport().width() - 48)
            self.add(self.grid)
        else:
            self.add_text(_("No medicine is planned at a set time today."))
        if plan.other_days:
            self.add_text(_("Not every day:"), "muted")
            for row in plan.other_days:
                self.add(self._plan_line(row))
                yield
        if plan.as_needed:
            self.add_text(_("Only when you need it:"), "muted")
            for row in plan.as_needed:
                self.add(self._plan_line(row))
                yield
        if plan.see_text:
            self.add_text(_("Read how to take these:"), "muted")
            for row in plan.see_text:
                self.add(self._plan_line(row))
                yield

    def _plan_line(self, row: PlanRow) -> QWidget:
        med = row.medication
        parts = schedule_lines(row)
        if med.posology_text:
            parts.append(med.posology_text)
        widget = QWidget(self.body)
        lay = QHBoxLayout(widget)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(Pictogram("pill-bottle", widget), 0, Qt.AlignmentFlag.AlignTop)
        label = Body(_("{name}: {how}").format(name=med.name, how=". ".join(parts)), widget)
        lay.addWidget(label, 1)
        return widget

    def _build_prescriptions(self, prescriptions: list[Prescription]) -> Iterator[None]:
        if not prescriptions:
            return
        self.add_subheading(_("Prescriptions to collect at the pharmacy"), "prescription")
        self.add_text(
            _("Show this code to the pharmacist. They scan it to find your prescription.")
        )
        for p in prescriptions:
            lines = [
                _("Code for the pharmacist: {rid}").format(rid=p.rid),
                _("Prescribed by {who}").format(who=p.prescriber) if p.prescriber else "",
                _("Written on {date}").format(date=format_date(p.date)) if p.date else "",
                _("Valid until {date}").format(date=format_date(p.expiry)) if p.expiry else "",
                p.posology_text,
            ]
            card = ItemCard("prescription", p.medication, lines, self.body)
            card.add_line(
                QrCode(
                    p.rid,
                    _("Code to scan for the prescription of {name}").format(name=p.medication),
                    card,
                )
            )
            card.add_explain(self.nav, p.medication, p.codings)
            about = explain_button(self.nav, _("Electronic prescription"), (), "e-prescription")
            about.set_text(_("What is an electronic prescription?"))
            card.add_button(about)
            self.add_card(card)
            yield

    def _medicine_card(self, med: Medication, row: PlanRow | None, day: date) -> ItemCard:
        status, icon = status_text(med, day)
        lines = [status]
        if med.use:
            lines.append(_("What it is for: {use}").format(use=med.use))
        if row is not None:
            lines += schedule_lines(row)
        if med.posology_text:
            lines.append(med.posology_text)
        if med.instructions:
            lines.append(_("Advice: {text}").format(text=med.instructions))
        if med.active_ingredient and med.active_ingredient != med.name:
            lines.append(_("Active substance: {name}").format(name=med.active_ingredient))
        if med.begin:
            lines.append(_("Since {date}").format(date=format_date(med.begin)))
        if med.end:
            lines.append(_("Until {date}").format(date=format_date(med.end)))
        for s in med.suspensions:
            if s.reason:
                lines.append(_("Why it was paused or stopped: {reason}").format(reason=s.reason))
        if med.prescriber:
            lines.append(_("Prescribed by {who}").format(who=med.prescriber))
        card = ItemCard("pill-bottle", med.name, lines, self.body)
        card.status_label = card.lines[0]
        status_picto = Pictogram(icon, card, size_factor=0.7, description=status)
        card.add_line(status_picto)
        card.add_explain(self.nav, med.name, med.codings)
        card.add_button(
            small_button(
                _("Write a question"), "write", lambda: self.nav.open_page("notes", "medicines")
            )
        )
        return card


def plan_speech(plan: DayPlan) -> str:
    """The day plan as sentences (for tests and for Listen)."""
    out: list[str] = []
    for moment in MOMENTS:
        names = [r.medication.name for r in plan.today if r.dose_at(moment) is not None]
        if names:
            out.append(f"{moment_word(moment)}: {', '.join(names)}")
    return "\n".join(out)
