"""Camunda typed variables become Python values on the way in, and typed values on the way out."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from web.camunda.variables import InvalidVariable, camunda_date, from_typed, to_typed, to_typed_value

JSON = "application/json"


def typed(kind, value, **info):
    return {"type": kind, "value": value, "valueInfo": info}


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("String", "hello", "hello"),
        ("Boolean", True, True),
        ("Boolean", "false", False),
        ("Integer", 42, 42),
        ("Long", 2**40, 2**40),
        ("Short", -7, -7),
        ("Double", 2.5, 2.5),
        ("Double", 3, 3.0),
        ("Null", None, None),
        ("Json", '{"a": [1, 2]}', {"a": [1, 2]}),
        ("Json", "[1, 2]", [1, 2]),
    ],
)
def test_each_simple_type_reads_as_its_python_value(kind, value, expected):
    result = from_typed({"x": typed(kind, value)})

    assert result == {"x": expected}
    assert type(result["x"]) is type(expected)


def test_type_names_are_read_whatever_their_case_as_the_js_client_sends_them_lower_case():
    variables = {"a": typed("boolean", True), "b": typed("json", '{"k": 1}'), "c": typed("LONG", 5)}

    assert from_typed(variables) == {"a": True, "b": {"k": 1}, "c": 5}


def test_a_camunda_date_is_kept_as_an_iso_string_with_its_offset():
    variables = {
        "utc": typed("Date", "2025-03-20T11:05:00.000+0000"),
        "almaty": typed("Date", "2025-03-20T16:05:00.250+0500"),
    }

    assert from_typed(variables) == {
        "utc": "2025-03-20T11:05:00+00:00",
        "almaty": "2025-03-20T16:05:00.250000+05:00",
    }


def test_an_object_serialized_as_json_reads_as_the_map_or_list_it_holds():
    variables = {
        "map": typed(
            "Object",
            '{"name": "Ann"}',
            objectTypeName="java.util.LinkedHashMap<java.lang.String,java.lang.Object>",
            serializationDataFormat=JSON,
        ),
        "list": typed("Object", "[1]", objectTypeName="java.util.ArrayList", serializationDataFormat=JSON),
    }

    assert from_typed(variables) == {"map": {"name": "Ann"}, "list": [1]}


def test_a_value_without_a_type_is_taken_as_the_json_value_it_is():
    assert from_typed({"x": {"value": [1, "a"]}}) == {"x": [1, "a"]}


def test_a_null_value_of_a_known_type_reads_as_none():
    assert from_typed({"s": typed("String", None), "i": typed("Integer", None)}) == {"s": None, "i": None}


def test_no_variables_read_as_an_empty_dict():
    assert from_typed(None) == {}


@pytest.mark.parametrize(
    ("typed_value", "reason"),
    [
        (typed("Bytes", "AAEC"), "does not accept"),
        (typed("File", "AAEC", filename="a.pdf"), "does not accept"),
        (typed("Xml", "<a/>"), "does not accept"),
        (typed("Object", "rO0AB", serializationDataFormat="application/x-java-serialized-object"), "only"),
        (typed("Integer", 2**31), "out of range"),
        (typed("Short", 40000), "out of range"),
        (typed("Integer", "seven"), "not a valid"),
        (typed("Integer", True), "not a valid"),
        (typed("Boolean", "yes"), "not a valid"),
        (typed("String", 5), "not a valid"),
        (typed("Double", "NaN"), "not a valid"),
        (typed("Date", "2025-03-20"), "not a valid"),
        (typed("Date", "2025-03-20T11:05:00"), "no UTC offset"),
        (typed("Json", "{not json"), "not a valid"),
        ("just a string", "must be an object"),
    ],
)
def test_a_variable_licflow_cannot_read_is_refused_by_name(typed_value, reason):
    with pytest.raises(InvalidVariable) as refused:
        from_typed({"amount": typed_value})

    assert "'amount'" in str(refused.value)
    assert reason in str(refused.value)


def test_variables_that_are_not_an_object_are_refused():
    with pytest.raises(InvalidVariable):
        from_typed([{"type": "String", "value": "x"}])


@pytest.mark.parametrize(
    ("value", "kind", "sent"),
    [
        (None, "Null", None),
        (True, "Boolean", True),
        (42, "Integer", 42),
        (2**31, "Long", 2**31),
        (-(2**31) - 1, "Long", -(2**31) - 1),
        (2.5, "Double", 2.5),
        (Decimal("1.25"), "Double", 1.25),
        ("text", "String", "text"),
        (date(2025, 3, 20), "String", "2025-03-20"),
    ],
)
def test_each_python_value_goes_out_as_its_camunda_type(value, kind, sent):
    assert to_typed_value(value) == {"type": kind, "value": sent, "valueInfo": {}}


def test_dicts_and_lists_go_out_as_json_strings():
    out = to_typed({"applicant": {"name": "Ann", "ids": [1, 2]}, "items": ["a"]})

    assert out["applicant"]["type"] == "Json"
    assert json.loads(out["applicant"]["value"]) == {"name": "Ann", "ids": [1, 2]}
    assert out["items"] == {"type": "Json", "value": '["a"]', "valueInfo": {}}


def test_a_datetime_goes_out_as_a_camunda_date():
    almaty = timezone(timedelta(hours=5))

    assert to_typed_value(datetime(2025, 3, 20, 16, 5, 0, 250000, tzinfo=almaty)) == {
        "type": "Date",
        "value": "2025-03-20T16:05:00.250+0500",
        "valueInfo": {},
    }
    assert camunda_date(datetime(2025, 3, 20, 11, 5)) == "2025-03-20T11:05:00.000+0000"


@pytest.mark.parametrize(
    "value", [None, True, False, 0, 2**31, -5, 2.5, "text", {"a": [1, {"b": None}]}, [1, "two"]]
)
def test_a_value_sent_out_and_read_back_is_the_same_value(value):
    assert from_typed(to_typed({"x": value})) == {"x": value}


def test_a_date_sent_out_reads_back_as_the_same_moment():
    moment = datetime(2025, 3, 20, 11, 5, 0, 123000, tzinfo=UTC)

    (back,) = from_typed(to_typed({"at": moment})).values()

    assert datetime.fromisoformat(back) == moment
