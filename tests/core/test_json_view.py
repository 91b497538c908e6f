"""Reading JSON of any shape through JsonView: never raises, never changes the data."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from assistant.records.json_view import JsonView, as_list, as_text

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "value", "low"]), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(["a", "b", "value", "low", "missing"])


def test_a_chain_reads_nested_members() -> None:
    node = JsonView({"valueRange": {"low": {"value": 3.5}, "high": {"value": "  7 "}}})
    assert node.obj("valueRange").obj("low").text("value") == "3.5"
    assert node.obj("valueRange").obj("high").text("value") == "7"
    assert node.obj("valueRange").obj("low").get("value") == 3.5


def test_a_wrong_shape_gives_an_empty_view() -> None:
    node = JsonView({"valueRange": "3-7", "code": ["x"], "n": None})
    for key in ("valueRange", "code", "n", "absent"):
        inner = node.obj(key)
        assert not inner and not inner.is_object
        assert inner.obj("low").text("value") == ""
        assert inner.each("coding") == []
        assert inner.get("value") is None


def test_each_takes_a_single_value_as_one_item() -> None:
    node = JsonView({"one": {"code": "a"}, "many": [{"code": "a"}, "b"], "none": None})
    assert [c.text("code") for c in node.each("one")] == ["a"]
    assert [c.raw for c in node.each("many")] == [{"code": "a"}, "b"]
    assert node.each("none") == [] and node.each("absent") == []


def test_text_of_each_kind_of_value() -> None:
    node = JsonView({"s": " two\n words ", "i": 7, "f": 0.5, "t": True, "o": {}, "l": ["x"]})
    assert [node.text(k) for k in ("s", "i", "f", "t", "o", "l", "absent")] == [
        "two words",
        "7",
        "0.5",
        "",
        "",
        "",
        "",
    ]
    assert JsonView(" a ").as_text() == "a"
    assert JsonView({"given": ["Anna", "", None, 3, "Maria"]}).texts("given") == [
        "Anna",
        "3",
        "Maria",
    ]


def test_members_and_truth() -> None:
    node = JsonView({"valueQuantity": None, "status": "final"})
    assert node.has("valueQuantity") and not node.has("valueString")
    assert list(node.keys()) == ["valueQuantity", "status"]
    assert node and not JsonView({}) and not JsonView("text") and not JsonView([1])
    assert list(JsonView(["a"]).keys()) == [] and not JsonView(["a"]).has("a")


@given(json_values, keys, keys)
def test_reading_never_raises_nor_changes_the_data(value: Any, first: str, second: str) -> None:
    before = copy.deepcopy(value)
    node = JsonView(value)
    inner = node.obj(first)
    assert isinstance(inner.text(second), str)
    assert isinstance(node.texts(first), list)
    for item in node.each(first):
        assert isinstance(item.as_text(), str)
        assert isinstance(item.obj(second).each(second), list)
    list(node.keys())
    assert node.has(first) in (True, False)
    assert json.dumps(value, sort_keys=True) == json.dumps(before, sort_keys=True)


@given(json_values, keys)
def test_obj_is_the_member_when_it_is_an_object(value: Any, key: str) -> None:
    member = value.get(key) if isinstance(value, dict) else None
    inner = JsonView(value).obj(key)
    assert inner.raw is (member if isinstance(member, dict) else None)


@given(json_values)
def test_as_list_and_as_text(value: Any) -> None:
    items = as_list(value)
    if isinstance(value, list):
        assert items is value
    else:
        assert items == ([] if value is None else [value])
    text = as_text(value)
    if isinstance(value, str):
        assert text == " ".join(value.split())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        assert text == str(value)
    else:
        assert text == ""
