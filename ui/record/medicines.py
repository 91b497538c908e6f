"""My medicines: the day plan (morning, noon, evening, night), the list, open e-prescriptions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QVBoxLayout, QWidget

from assistant.dayplan import MOMENTS, DayPlan, PlanRow, day_plan
from assistant.i18n import _, format_date, ngettext
from assistant.record_words import (
    MOMENT_ICONS,
    change_nothing_text,
    dose_text,
    medicine_title,
    moment_word,
    nothing_text,
    pack_size_text,
    plan_source_text,
    schedule_lines,
    status_text,
)
from assistant.records.model import Medication, Prescription
from ui import theme as theme_mod
from ui.record.flow import SteadyHBoxLayout, SteadyVBoxLayout
from ui.record.page import (
    ItemCard,
    Page,
    SourceText,
    explain_button,
    small_button,
    source_language,
)
from ui.record.qr import QrCode
from ui.widgets import Body, Pictogram


def today() -> date:
    return date.today()


class DayPlanGrid(QFrame):
    """Rows of medicines, columns morning / noon / evening / night with the quantity to take.

    When the columns do not fit (150 % text and more, or a narrow view such as the mediator's
    side panel), each medicine lists its moments one under the other, each with its pictogram.

    ``sliced``: the rows are added by :meth:`steps`, one per step, so a page can add a long
    plan between events; otherwise all at once.
    """

    def __init__(
        self,
        rows: list[PlanRow],
        parent: QWidget | None = None,
        width: int = 0,
        *,
        sliced: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.rows = rows
        self.row_texts: list[str] = []
        outer = SteadyVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.table: QWidget | None = None
        self._grid: QGridLayout | None = None
        self._filled = 0
        self._line = 0
        #: Width the columns need (known once they were built).
        self.columns_width = 0
        self.compact = False
        self._width = width
        self.setAccessibleName(_("Day plan"))
        self._start(theme_mod.current().text_scale >= 1.5)
        if not sliced:
            for _step in self.steps():
                pass

    @property
    def complete(self) -> bool:
        return self._filled >= len(self.rows)

    def steps(self) -> Iterator[None]:
        """Add the rows still missing, one per step; then fit the width given."""
        while not self.complete:
            self._add_row()
            yield
        self._done()

    def fit(self, width: int) -> None:
        """Choose columns or the list for this width (called when the page is resized)."""
        self._width = width
        if not self.complete or theme_mod.current().text_scale >= 1.5:
            return
        compact = self.columns_width > width
        if compact != self.compact:
            self._start(compact)
            for _step in self.steps():
                pass

    def _start(self, compact: bool) -> None:
        if self.table is not None:
            self.table.hide()
            self.table.deleteLater()
        self.compact = compact
        self.row_texts = []
        self._filled = 0
        self._line = 0
        table = QWidget(self)
        table.setStyleSheet("background: transparent;")
        grid = QGridLayout(table)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        if compact:
            grid.setColumnStretch(1, 1)
        else:
            self._column_heads(grid, table)
        lay = self.layout()
        assert lay is not None
        lay.addWidget(table)
        self.table = table
        self._grid = grid

    def _add_row(self) -> None:
        assert self._grid is not None and self.table is not None
        row = self.rows[self._filled]
        self._filled += 1
        if self.compact:
            made = self._compact_row(self._grid, row, self.table)
        else:
            made = self._columns_row(self._grid, row, self.table)
        if self.table.isVisible():  # shown now, inside the page's time budget
            for widget in made:
                widget.show()

    def _done(self) -> None:
        self.setAccessibleDescription(" ".join(self.row_texts))
        self.setProperty("speechLines", list(self.row_texts))
        if not self.compact and self.table is not None:
            self.columns_width = self.table.minimumSizeHint().width()
            if self._width:
                self.fit(self._width)

    def _name_label(self, row: PlanRow, table: QWidget) -> Body:
        name = Body(medicine_title(row.medication.name), table)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        return name

    def _row_text(self, row: PlanRow, name: Body) -> None:
        spoken = [
            _("{moment}: {dose}").format(moment=moment_word(m), dose=dose_text(d))
            for m, d in row.doses
        ]
        text = _("{name}: {doses}").format(
            name=medicine_title(row.medication.name), doses="; ".join(spoken)
        )
        name.setAccessibleDescription(text)
        self.row_texts.append(text)

    def _column_heads(self, grid: QGridLayout, table: QWidget) -> None:
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
        grid.setColumnStretch(0, 3)
        for col in range(1, len(MOMENTS) + 1):
            grid.setColumnStretch(col, 2)

    def _columns_row(self, grid: QGridLayout, row: PlanRow, table: QWidget) -> list[QWidget]:
        r = self._filled  # line 0 holds the column heads
        name = self._name_label(row, table)
        grid.addWidget(name, r, 0)
        made: list[QWidget] = [name]
        for col, moment in enumerate(MOMENTS, start=1):
            dose = row.dose_at(moment)
            cell = Body(dose_text(dose) if dose is not None else "—", table)
            cell.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            if dose is None:
                cell.setAccessibleName(_("Nothing"))
            grid.addWidget(cell, r, col)
            made.append(cell)
        self._row_text(row, name)
        return made

    def _compact_row(self, grid: QGridLayout, row: PlanRow, table: QWidget) -> list[QWidget]:
        name = self._name_label(row, table)
        grid.addWidget(name, self._line, 0, 1, 2)
        made: list[QWidget] = [name]
        self._line += 1
        for moment, dose in row.doses:
            picto = Pictogram(MOMENT_ICONS[moment], table)
            grid.addWidget(picto, self._line, 0)
            text = _("{moment}: {dose}").format(moment=moment_word(moment), dose=dose_text(dose))
            label = Body(text, table)
            grid.addWidget(label, self._line, 1)
            made += [picto, label]
            self._line += 1
        self._row_text(row, name)
        return made


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
        prescriptions = self.record.open_prescriptions()
        if not all_meds and not prescriptions:
            self.add_text(nothing_text("medicines"))
            return
        yield from self.part_chooser(len(all_meds), len(prescriptions))
        meds = all_meds[self.part_slice()]
        plan = day_plan(meds, day)
        self.plan = plan
        yield from self._build_plan(plan, all_meds)
        yield from self._build_prescriptions(prescriptions[self.part_slice()])
        self.add_subheading(_("All my medicines"), "pill-bottle")
        self.add_text(
            ngettext(
                "Your record has {n} medicine.", "Your record has {n} medicines.", len(all_meds)
            ).format(n=len(all_meds))
        )
        self.add_text(plan_source_text(all_meds, day))
        self.add_text(change_nothing_text())
        rows = {id(r.medication): r for r in plan.rows()}
        for med in meds:
            self.add_card(self._medicine_card(med, rows.get(id(med)), day))
            yield

    def _build_plan(self, plan: DayPlan, medications: list[Medication]) -> Iterator[None]:
        self.add_subheading(
            _("What to take today, {date}").format(date=format_date(plan.day)), "calendar"
        )
        # the plan comes from a record that may be out of date: say so, and whom to ask
        self.add_text(plan_source_text(medications, plan.day))
        self.add_text(change_nothing_text())
        if plan.today:
            self.add_text(_("These are your medicines at these moments of the day."))
            self.grid = DayPlanGrid(
                plan.today, self.body, self.scroll_area.viewport().width() - 48, sliced=True
            )
            self.add(self.grid)
            yield from self.grid.steps()
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
        lay = SteadyHBoxLayout(widget)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(Pictogram("pill-bottle", widget), 0, Qt.AlignmentFlag.AlignTop)
        label = Body(
            _("{name}: {how}").format(name=medicine_title(med.name), how=". ".join(parts)), widget
        )
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
                pack_size_text(p.medication),
            ]
            card = ItemCard("prescription", medicine_title(p.medication), lines, self.body)
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
        declared = source_language(med)
        lines: list[str | SourceText] = [status]
        if med.use:
            lines.append(SourceText(med.use, declared, _("What it is for: {text}")))
        if row is not None:
            lines += schedule_lines(row)
        if med.posology_text:
            lines.append(SourceText(med.posology_text, declared))
        if med.instructions:
            lines.append(SourceText(med.instructions, declared, _("Advice: {text}")))
        if med.active_ingredient and med.active_ingredient != med.name:
            lines.append(_("Active substance: {name}").format(name=med.active_ingredient))
        if med.begin:
            lines.append(_("Since {date}").format(date=format_date(med.begin)))
        if med.end:
            lines.append(_("Until {date}").format(date=format_date(med.end)))
        for s in med.suspensions:
            if s.reason:
                lines.append(
                    SourceText(s.reason, declared, _("Why it was paused or stopped: {text}"))
                )
        if med.prescriber:
            lines.append(_("Prescribed by {who}").format(who=med.prescriber))
        lines.append(pack_size_text(med.name))
        card = ItemCard("pill-bottle", medicine_title(med.name), lines, self.body)
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
        names = [
            medicine_title(r.medication.name) for r in plan.today if r.dose_at(moment) is not None
        ]
        if names:
            out.append(f"{moment_word(moment)}: {', '.join(names)}")
    return "\n".join(out)
