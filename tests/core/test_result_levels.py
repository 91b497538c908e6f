"""How a lab result is classified: lower than, within or higher than its usual values.

One rule (``ReferenceRange.classify``) serves the FHIR mapper, the screens and the paper copy.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.records.fhir_map import record_from_fhir
from assistant.records.model import (
    Interpretation,
    ItemSource,
    LabResult,
    ReferenceRange,
    SourceKind,
)

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)
units = st.sampled_from(["", "mmol/L", "mg/dL", "%", "10*9/L"])
comparators = st.sampled_from(["<", "<=", ">=", ">"])


@st.composite
def ranges(draw: st.DrawFn) -> tuple[float, float]:
    a, b = draw(finite), draw(finite)
    return min(a, b), max(a, b)


@given(ranges(), finite)
def test_a_closed_range_sorts_every_value(bounds: tuple[float, float], value: float) -> None:
    low, high = bounds
    level = ReferenceRange(low, high).classify(value)
    if value < low:
        assert level is Interpretation.LOW
    elif value > high:
        assert level is Interpretation.HIGH
    else:
        assert level is Interpretation.NORMAL


@given(ranges())
def test_the_bounds_themselves_are_normal(bounds: tuple[float, float]) -> None:
    low, high = bounds
    rng = ReferenceRange(low, high)
    assert rng.classify(low) is Interpretation.NORMAL
    assert rng.classify(high) is Interpretation.NORMAL


@given(finite, finite)
def test_a_range_open_above_never_says_high(low: float, value: float) -> None:
    level = ReferenceRange(low=low).classify(value)
    assert level is (Interpretation.LOW if value < low else Interpretation.NORMAL)


@given(finite, finite)
def test_a_range_open_below_never_says_low(high: float, value: float) -> None:
    level = ReferenceRange(high=high).classify(value)
    assert level is (Interpretation.HIGH if value > high else Interpretation.NORMAL)


@given(st.text(max_size=20), units, st.one_of(st.none(), finite))
def test_a_range_without_bounds_says_nothing(text: str, unit: str, value: float | None) -> None:
    assert ReferenceRange(text=text, unit=unit).classify(value) is Interpretation.UNKNOWN


@given(ranges())
def test_a_missing_value_says_nothing(bounds: tuple[float, float]) -> None:
    assert ReferenceRange(*bounds).classify(None) is Interpretation.UNKNOWN


@given(ranges(), finite, comparators)
def test_a_value_given_as_a_bound_is_not_compared(
    bounds: tuple[float, float], value: float, comparator: str
) -> None:
    level = ReferenceRange(*bounds).classify(value, comparator=comparator)
    assert level is Interpretation.UNKNOWN


@given(ranges(), finite, units, units)
def test_units_that_differ_say_nothing(
    bounds: tuple[float, float], value: float, value_unit: str, range_unit: str
) -> None:
    rng = ReferenceRange(*bounds, unit=range_unit)
    level = rng.classify(value, unit=value_unit)
    if value_unit and range_unit and value_unit != range_unit:
        assert level is Interpretation.UNKNOWN
    else:  # a unit missing on one side, or the same unit: compared as numbers
        assert level is ReferenceRange(*bounds).classify(value)


def test_units_are_compared_as_written_apart_from_case_and_spaces() -> None:
    rng = ReferenceRange(3.5, 5.1, unit="mmol/L")
    assert rng.classify(6.0, unit="mmol/l") is Interpretation.HIGH
    assert rng.classify(6.0, unit=" mmol / L ") is Interpretation.HIGH
    assert rng.classify(6.0, unit="mg/dL") is Interpretation.UNKNOWN


@given(ranges(), finite, st.sampled_from(list(Interpretation)))
def test_the_labs_own_word_wins(
    bounds: tuple[float, float], value: float, given_level: Interpretation
) -> None:
    result = LabResult(
        "X", value=value, reference_range=ReferenceRange(*bounds), interpretation=given_level
    )
    expected = given_level
    if given_level is Interpretation.UNKNOWN:
        expected = ReferenceRange(*bounds).classify(value)
    assert result.level is expected


def test_a_result_without_range_says_nothing() -> None:
    assert LabResult("X", value=3.0).level is Interpretation.UNKNOWN


def _observation(value: float, low: float, high: float, **quantity: str) -> dict[str, object]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "Potassium"},
        "valueQuantity": {"value": value, **quantity},
        "referenceRange": [{"low": {"value": low}, "high": {"value": high}}],
    }


@given(ranges(), finite, st.sampled_from(["", "<", ">="]))
def test_the_fhir_mapper_uses_the_same_rule(
    bounds: tuple[float, float], value: float, comparator: str
) -> None:
    quantity = {"comparator": comparator} if comparator else {}
    record = record_from_fhir(
        _observation(value, *bounds, **quantity), ItemSource(SourceKind.FHIR_FILE, "t.json")
    )
    (result,) = record.lab_results
    assert result.interpretation is ReferenceRange(*bounds).classify(value, comparator=comparator)
