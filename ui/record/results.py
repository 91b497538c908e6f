"""My results: the last value of each test with its usual range in words, colour and pictogram;
each test's values over time as a chart AND a table (for screen readers); why a result can be
missing for a few days."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import datetime

from PySide6.QtCharts import (
    QAreaSeries,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from assistant.i18n import LOCALE_NAMES, _, current_language, format_date, ngettext
from assistant.record_words import (
    INTERPRETATION,
    nothing_text,
    range_text,
    target_text,
    unit_text,
    value_text,
)
from assistant.records.model import LabResult, Record, ResultStatus
from ui import theme as theme_mod
from ui.record.glossary_lookup import coded_name
from ui.record.page import (
    ItemCard,
    Navigator,
    Page,
    coded_title,
    explain_button,
    small_button,
    source_language,
)
from ui.widgets import IconText

HIDDEN_STATUSES = (ResultStatus.HELD_BACK,)
#: A dot on each value up to this many values; a longer series is a line (hundreds of dots
#: would hide each other and take long to draw).
MOST_DOTS = 60
NOT_FINAL = (ResultStatus.PRELIMINARY,)


def grouped_results(record: Record) -> dict[str, list[LabResult]]:
    """Results per test, newest first; tests ordered by their newest result.

    One sort of all results (a 10-year record has thousands): a test's first result seen is
    its newest, so the groups come out in order."""
    groups: dict[str, list[LabResult]] = {}
    for r in sorted(record.lab_results, key=lambda r: (_naive(r.date), r.test_name), reverse=True):
        groups.setdefault(r.test_key, []).append(r)
    return groups


def test_count(record: Record) -> int:
    """How many different tests the record has results for."""
    return len({r.test_key for r in record.lab_results})


def results_of(record: Record, test: str) -> list[LabResult]:
    """The results of one test (a key of :func:`grouped_results`), newest first."""
    mine = [r for r in record.lab_results if r.test_key == test]
    mine.sort(key=lambda r: _naive(r.date), reverse=True)
    return mine


def _naive(d: datetime | None) -> datetime:
    if d is None:
        return datetime.min
    return d.replace(tzinfo=None)


def _msecs(d: datetime | None) -> int:
    """The chart's x value of ``d``: its wall-clock time read as local time, in ms."""
    n = _naive(d)
    return round(time.mktime(n.timetuple()) * 1000) + n.microsecond // 1000


def interpretation_row(result: LabResult, parent: object = None) -> IconText:
    """Words + pictogram + colour, so the meaning never rests on colour alone."""
    words, icon, role = INTERPRETATION[result.level]
    row = IconText(icon, _(words))
    colors = theme_mod.current().colors
    color = {"problem": colors.problem_text, "success": colors.success}.get(role, colors.text)
    row.pictogram._role = {"problem": "problem", "success": "success"}.get(role, "pictogram")
    row.pictogram._on_theme()
    row.body.setStyleSheet(f"color: {color}; font-weight: bold;")
    row.setAccessibleName(_(words))
    return row


class ResultsPage(Page):
    key = "results"
    icon = "lab-results"

    def title(self) -> str:
        return _("My results")

    def build(self) -> Iterator[None]:
        groups = grouped_results(self.record)
        why = small_button(
            _("Why can't I see this result yet?"), "help", lambda: self.nav.open_page("why_result")
        )
        if not groups:
            self.add_text(nothing_text("results"))
            self.add(why)
            return
        self.add_text(
            ngettext(
                "Your record has results for {n} test.",
                "Your record has results for {n} tests.",
                len(groups),
            ).format(n=len(groups))
        )
        self.add_text(_("A result is missing? It can come a few days later."), "muted")
        self.add(why)
        yield from self.part_chooser(len(groups))
        for key, results in list(groups.items())[self.part_slice()]:
            self.add_card(self._test_card(key, results))
            yield

    def _test_card(self, key: str, results: list[LabResult]) -> ItemCard:
        visible = [r for r in results if r.status not in HIDDEN_STATUSES]
        latest = visible[0] if visible else results[0]
        name, as_written = coded_title(latest.test_name, latest.codings, source_language(latest))
        lines: list[str] = [as_written] if as_written else []
        held = [r for r in results if r.status in HIDDEN_STATUSES]
        if visible:
            lines.append(_("Result: {value}").format(value=value_text(latest)))
            if latest.date:
                lines.append(_("On {date}").format(date=format_date(latest.date)))
            lines += [t for t in (range_text(latest), target_text(latest)) if t]
            if latest.status in NOT_FINAL:
                lines.append(_("This result can still change."))
            if latest.note:
                lines.append(latest.note)
        if held:
            lines.append(_("A newer result is not ready for you yet."))
        card = ItemCard("test-tube", name, lines, self.body)
        card.setProperty("testKey", key)
        if visible:
            card.add_line(interpretation_row(latest))
        card.add_explain(self.nav, name, latest.codings, unit=latest.unit)
        if len(visible) > 1:
            card.add_button(
                small_button(
                    ngettext(
                        "See over time ({n} result)", "See over time ({n} results)", len(visible)
                    ).format(n=len(visible)),
                    "chart",
                    lambda: self.nav.open_page("trend", key),
                )
            )
        if held:
            card.add_button(
                small_button(
                    _("Why can't I see this result yet?"),
                    "help",
                    lambda: self.nav.open_page("why_result"),
                )
            )
        return card


def plain_test_name(result: LabResult) -> str:
    """The test's plain name from the glossary in the patient's language ("Kidney function
    (eGFR)" for "eGFR (CKD-EPI)"), else its name as the lab wrote it."""
    return coded_name(result.test_name, result.codings)


def chart_locale() -> QLocale:
    """The locale the chart writes its numbers in (the patient's language, Belgian variant)."""
    return QLocale(LOCALE_NAMES[current_language()])


class TrendPage(Page):
    """One test over time: a chart and the same values as a table.

    The chart writes its numbers the patient's way (decimal comma in French, Dutch and German),
    names the unit on its value axis and labels the reference values' band in its legend; its
    title is the test's plain name. The table is built in slices (a 10-year record has hundreds
    of values of one test)."""

    key = "trend"
    icon = "chart"
    #: Table rows added per slice.
    ROWS_PER_SLICE = 40

    def __init__(self, record: Record, nav: Navigator, test: str) -> None:
        self.test = test
        every = results_of(record, test)
        self.test_name = plain_test_name(every[0]) if every else ""
        self.results = [r for r in every if r.status not in HIDDEN_STATUSES]
        super().__init__(record, nav)

    def title(self) -> str:
        return _("{test} over time").format(test=self.test_name)

    def build(self) -> Iterator[None]:
        if not self.results:
            self.add_text(_("There is nothing to show."))
            return
        latest = self.results[0]
        as_written = coded_title(latest.test_name, latest.codings, source_language(latest))[1]
        if as_written:
            self.add_text(as_written, "muted")
        for text in (range_text(latest), target_text(latest)):
            if text:
                self.add_text(text)
        numeric = [r for r in self.results if r.value is not None and r.date is not None]
        if len(numeric) >= 2:
            self.chart_view = self._chart(numeric)
            self.add(self.chart_view)
            yield
        self.add_subheading(_("All values"), "table")
        self.table = self._table(self.results)
        self.add(self.table)
        self.add(explain_button(self.nav, self.test_name, latest.codings, unit=latest.unit))
        yield
        for first in range(0, len(self.results), self.ROWS_PER_SLICE):
            self._fill_rows(first, self.results[first : first + self.ROWS_PER_SLICE])
            yield

    def _chart(self, results: Sequence[LabResult]) -> QChartView:
        colors = theme_mod.current().colors
        chart = QChart()
        chart.setLocalizeNumbers(True)
        chart.setLocale(chart_locale())
        chart.setBackgroundBrush(QColor(colors.window))
        chart.setTitleBrush(QColor(colors.text))
        chart.setTitle(self.test_name)
        line = QLineSeries()
        line.setName(_("Your results"))
        dots = QScatterSeries()
        pen = QPen(QColor(colors.primary))
        pen.setWidth(3)
        line.setPen(pen)
        dots.setColor(QColor(colors.primary))
        dots.setMarkerSize(12)
        values: list[float] = []
        for r in sorted(results, key=lambda r: _naive(r.date)):
            assert r.value is not None and r.date is not None
            ms = _msecs(r.date)
            line.append(ms, r.value)
            if len(results) <= MOST_DOTS:
                dots.append(ms, r.value)
            values.append(r.value)
        rng = results[0].reference_range
        limits = [x for x in (rng.low, rng.high) if x is not None] if rng else []
        low, high = min([*values, *limits]), max([*values, *limits])
        pad = (high - low) * 0.1 or 1.0
        y_min, y_max = low - pad, high + pad
        first, last = _msecs(results[-1].date), _msecs(results[0].date)
        band = None
        if rng is not None and limits:
            # The reference values as a shaded band (open-ended ranges reach the chart's edge).
            band = QAreaSeries()
            # The band's edges belong to it (Qt keeps no Python reference to them).
            band_low, band_high = QLineSeries(band), QLineSeries(band)
            for x in (min(first, last), max(first, last)):
                band_low.append(x, rng.low if rng.low is not None else y_min)
                band_high.append(x, rng.high if rng.high is not None else y_max)
            band.setUpperSeries(band_high)
            band.setLowerSeries(band_low)
            band.setName(_("Reference values"))  # the values are written above the chart
            fill = QColor(colors.success)
            fill.setAlpha(60)
            band.setBrush(fill)
            edge = QPen(QColor(colors.success))
            edge.setStyle(Qt.PenStyle.DashLine)
            edge.setWidth(2)
            band.setPen(edge)
            chart.addSeries(band)
        chart.addSeries(line)
        chart.addSeries(dots)
        x_axis = QDateTimeAxis()
        x_axis.setFormat("MM/yyyy")
        x_axis.setLabelsColor(QColor(colors.text))
        y_axis = QValueAxis()
        y_axis.setLabelsColor(QColor(colors.text))
        y_axis.setTitleBrush(QColor(colors.text))
        unit = unit_text(results[0].unit)
        if unit:
            y_axis.setTitleText(_("In {unit}").format(unit=unit))
        y_axis.setRange(y_min, y_max)
        y_axis.setLabelFormat(f"%.{_decimals(values)}f")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in chart.series():
            s.attachAxis(x_axis)
            s.attachAxis(y_axis)
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        legend.setLabelColor(QColor(colors.text))
        for marker in legend.markers(dots):
            marker.setVisible(False)
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(round(320 * theme_mod.current().text_scale))
        view.setAccessibleName(
            _("Chart of {test} over time. The table below has the same values.").format(
                test=self.test_name
            )
        )
        self.band = band
        return view

    def _table(self, results: Sequence[LabResult]) -> QTableWidget:
        """The values as a table; the column titles are its first row (a header view would
        be one more control to reach and name). Its rows are filled by :meth:`_fill_rows`."""
        heads = [_("Date"), _("Result"), _("Compared")]
        table = QTableWidget(len(results) + 1, 3, self.body)
        bold = QFont(table.font())
        bold.setBold(True)
        for col, text in enumerate(heads):
            item = QTableWidgetItem(text)
            item.setFont(bold)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(0, col, item)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAccessibleName(_("Table of all values of {test}").format(test=self.test_name))
        table.setAccessibleDescription(", ".join(heads))
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row_height = round(table.fontMetrics().height() * 1.8)
        table.verticalHeader().setDefaultSectionSize(row_height)
        table.verticalHeader().setMinimumSectionSize(row_height)
        table.setFixedHeight(row_height * table.rowCount() + 6)
        return table

    def _fill_rows(self, first: int, results: Sequence[LabResult]) -> None:
        for row, r in enumerate(results, start=first + 1):
            words = _(INTERPRETATION[r.level][0])
            cells = [format_date(r.date) if r.date else _("Date not known"), value_text(r), words]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, col, item)

    def speech_text(self) -> str:
        lines = [self.title()]
        for r in self.results:
            when = format_date(r.date) if r.date else _("Date not known")
            lines.append(
                _("{date}: {value}, {meaning}").format(
                    date=when,
                    value=value_text(r),
                    meaning=_(INTERPRETATION[r.level][0]),
                )
            )
        return "\n".join(lines)


def _decimals(values: Sequence[float]) -> int:
    """Decimals the value axis shows: as many as the values have (at most 2)."""
    most = 0
    for v in values:
        text = f"{v:.2f}".rstrip("0")
        most = max(most, len(text.partition(".")[2]))
    return most


class WhyResultPage(Page):
    """Why a result can be missing for a few days."""

    key = "why_result"
    icon = "help"

    def title(self) -> str:
        return _("Why can't I see this result yet?")

    def build(self) -> None:
        for text in (
            _("Some results come to your record a few days later."),
            _("This gives your doctor time to see them first."),
            _("Your doctor can then explain them to you, for example when a result is worrying."),
            _("The law allows this wait. After it, you can see the result here."),
            _("Do you need the result sooner? Ask your doctor."),
        ):
            self.add_text(text)
        self.add(
            small_button(
                _("Who can explain this to me?"), "doctor", lambda: self.nav.open_page("contacts")
            )
        )
