"""Build small DMN documents for the decision tests, parsed the safe way."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def parse(xml: str | bytes):
    """Return the root element of a DMN text."""
    return etree.fromstring(xml.encode() if isinstance(xml, str) else xml, PARSER)


def definitions(*decisions: str, namespace: str = DMN13) -> str:
    """Return a <definitions> document holding `decisions` (XML fragments)."""
    return (
        f'<definitions xmlns="{namespace}" xmlns:camunda="http://camunda.org/schema/1.0/dmn" '
        f'id="tests" name="Tests" namespace="http://camunda.org/schema/1.0/dmn">{"".join(decisions)}</definitions>'
    )


def table(
    decision_id: str,
    inputs: list[tuple[str, str]],
    outputs: list[tuple[str, ...]],
    rules: list[tuple[list[str], list[str]]],
    hit_policy: str = "UNIQUE",
    extra: str = "",
    table_attributes: str = "",
) -> str:
    """Return a decision table.

    inputs are (expression, typeRef), outputs (name, typeRef[, outputValues]), rules (tests, entries).
    """
    columns = "".join(
        f'<input id="{decision_id}_in{i}" label="Input {i}"><inputExpression id="{decision_id}_ie{i}" '
        f'typeRef="{type_ref}"><text>{escape(text)}</text></inputExpression></input>'
        for i, (text, type_ref) in enumerate(inputs, 1)
    )
    columns += "".join(_output(decision_id, i, *output) for i, output in enumerate(outputs, 1))
    body = "".join(
        f'<rule id="{decision_id}_r{n}">'
        + "".join(
            f'<inputEntry id="{decision_id}_r{n}_i{i}"><text>{escape(t)}</text></inputEntry>'
            for i, t in enumerate(tests)
        )
        + "".join(
            f'<outputEntry id="{decision_id}_r{n}_o{i}"><text>{escape(e)}</text></outputEntry>'
            for i, e in enumerate(entries)
        )
        + "</rule>"
        for n, (tests, entries) in enumerate(rules, 1)
    )
    return (
        f'<decision id="{decision_id}" name="{decision_id}">{extra}'
        f'<decisionTable id="{decision_id}_table" hitPolicy="{hit_policy}" {table_attributes}>'
        f"{columns}{body}</decisionTable></decision>"
    )


def _output(decision_id: str, index: int, name: str, type_ref: str, values: str = "") -> str:
    listed = (
        f'<outputValues id="{decision_id}_ov{index}"><text>{escape(values)}</text></outputValues>'
        if values
        else ""
    )
    return f'<output id="{decision_id}_out{index}" name="{name}" typeRef="{type_ref}">{listed}</output>'
