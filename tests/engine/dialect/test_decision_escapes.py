"""Hostile DMN entries and expressions are refused, or fail with a clear error, quickly."""

from __future__ import annotations

import time

import pytest

from engine.dialect.decisions import DecisionError, read_decisions
from tests.engine.dialect.dmn_documents import definitions, parse, table

QUICKLY = 1.0  # seconds; each payload is refused in milliseconds
BIG_TEXT = "x" * 60_000
VARIABLES = {"applicant": {"name": "Dana"}, "amount": 7, "text": BIG_TEXT, "many": list(range(20_000))}


def output_entry(text: str) -> str:
    return definitions(table("escape", [("amount", "integer")], [("out", "")], [(["-"], [text])]))


def input_entry(text: str) -> str:
    return definitions(table("escape", [("amount", "integer")], [("out", "")], [([text], ["1"])]))


def input_expression(text: str) -> str:
    return definitions(table("escape", [(text, "")], [("out", "")], [(["-"], ["1"])]))


def nested(opening: str, closing: str, depth: int, core: str = "1") -> str:
    return opening * depth + core + closing * depth


PAYLOADS = [
    ("import", output_entry('__import__("os")'), r"function '__import__' is unknown"),
    ("import and call", output_entry('__import__("os").system("id")'), r"syntax error at position 23"),
    ("import by name", input_expression("__import__"), r"name '__import__' is not allowed"),
    ("dunder walk", input_expression("applicant.__class__.__mro__"), r"name '__class__' is not allowed"),
    ("dunder on a literal", output_entry('"".__class__.__bases__'), r"name '__class__' is not allowed"),
    ("private name", input_entry("_secret"), r"name '_secret' is not allowed"),
    ("python call", output_entry('eval("1 + 1")'), r"function 'eval' is unknown"),
    ("python comprehension", output_entry("[x for x in many]"), r"FEEL syntax error at position 3"),
    ("lambda", output_entry("lambda: 1"), r"FEEL syntax error"),
    ("tower of powers", output_entry("9 ** 9 ** 9 ** 9"), r"beyond the limit of 1e40"),
    ("huge exponent", output_entry("2 ** 100000000"), r"beyond the limit of 1e40"),
    ("huge exponent at run time", output_entry("amount ** 999999999"), r"beyond the limit of 1e40"),
    ("huge number literal", output_entry("1" * 5000), r"beyond the limit"),
    ("string blow-up", output_entry(" + ".join(["text"] * 8)), r"longer than 100000 characters"),
    ("list blow-up", output_entry("count(many)"), r"longer than 10000 items"),
    ("deep parentheses", output_entry(nested("(", ")", 2000)), r"nests deeper than 64 levels"),
    ("deep lists", output_entry(nested("[", "]", 2000)), r"nests deeper than 64 levels"),
    ("deep negation", output_entry("-" * 3000 + "1"), r"nests deeper than 64 levels"),
    ("deep ifs", output_entry("if true then " * 200 + "1" + " else 0" * 200), r"nests deeper than 64 levels"),
    ("deep not", input_entry(nested("not(", ")", 300, "true")), r"nests deeper than 64 levels"),
    ("very long input", input_entry('"' + "a" * 20_000 + '"'), r"20002 characters long; at most 10000"),
    (
        "zone path",
        output_entry('date and time("2025-01-01T00:00:00@../../etc/passwd")'),
        r"is not a date and time",
    ),
    ("duration overflow", output_entry('date("2025-01-01") + duration("P999999999D")'), r"out of range"),
]


@pytest.mark.parametrize(("payload", "document", "message"), PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_a_hostile_payload_is_refused_or_fails_clearly_and_quickly(payload, document, message):
    started = time.perf_counter()
    with pytest.raises(DecisionError, match=message):
        read_decisions(parse(document))["escape"].evaluate(VARIABLES)
    assert time.perf_counter() - started < QUICKLY, payload


def test_a_decision_never_reaches_python_attributes_of_a_variable():
    document = input_expression("applicant.name")
    decision = read_decisions(parse(document))["escape"]

    class Applicant:
        name = "read through an attribute"

    assert decision.evaluate({"applicant": Applicant()}).result_list() == [{"out": 1}]
    assert decision.logic.inputs[0].value({"applicant": Applicant()}) is None
