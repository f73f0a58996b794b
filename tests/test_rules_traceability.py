"""docs/rules.md names, for every binding rule, what implements it and what tests it; all of it exists."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import ROOT

RULES = ROOT / "docs" / "rules.md"
REFERENCE = re.compile(r"`([^`]+)`")
# The paragraphs and items the seed order puts in force (para 12 is referenced by para 13).
BINDING = (
    ["para 2", "para 5 (1)", "para 5 (2)", "para 5 (3)", "para 5 (4)"]
    + [f"para 6 ({n})" for n in range(1, 6)]
    + ["para 8 (1)", "para 8 (2)", "para 9 (1)", "para 9 (2)", "para 9 (3)", "para 9 (4)", "para 12, para 13"]
    + [f"para 13 ({n})" for n in range(1, 9)]
    + ["app. 1 item 2", "app. 1 item 3", "app. 1 item 4", "app. 1 item 5", "app. 1 item 6"]
    + ["app. 1 item 7(1)", "app. 1 item 7(2)", "app. 1 item 8(1)", "app. 1 item 8(2)", "app. 1 item 8(3)"]
    + [f"app. 1 item 9({n})" for n in range(1, 11)]
    + ["app. 1 item 10"]
)


@dataclass(frozen=True)
class Row:
    """One rule of the table with what it names."""

    rule: str
    implemented_by: tuple[str, ...]
    tested_by: tuple[str, ...]


def rows_of(text: str) -> list[Row]:
    """Read the traceability table: | rule | what | implemented by | tested by |."""
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 4 or cells[0] in ("Rule", "---"):
            continue
        rows.append(Row(cells[0], tuple(REFERENCE.findall(cells[2])), tuple(REFERENCE.findall(cells[3]))))
    return rows


@cache
def _xml_ids(path: Path) -> frozenset[str]:
    return frozenset(etree.parse(str(path)).xpath("//@id"))


@cache
def _python_names(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return frozenset(names)


def missing(reference: str, root: Path = ROOT) -> str | None:
    """Say what is wrong with a reference (`file#id` or `file.py::name`), or None when it exists."""
    if "#" in reference:
        file, element = reference.split("#", 1)
        path = root / file
        if not path.is_file():
            return f"{reference}: no file {file}"
        return None if element in _xml_ids(path) else f"{reference}: {file} has no element {element!r}"
    if "::" in reference:
        file, name = reference.split("::", 1)
        path = root / file
        if not path.is_file():
            return f"{reference}: no file {file}"
        return None if name in _python_names(path) else f"{reference}: {file} defines no {name!r}"
    return f"{reference}: neither file#element nor module.py::name"


def problems(rows: list[Row], root: Path = ROOT) -> list[str]:
    """List every rule without an implementation or a test, and every reference that does not exist."""
    found = []
    for row in rows:
        if not row.implemented_by:
            found.append(f"{row.rule}: names nothing that implements it")
        if not any(t.startswith("tests/") for t in row.tested_by):
            found.append(f"{row.rule}: names no test")
        found += [
            f"{row.rule}: {what}"
            for ref in row.implemented_by + row.tested_by
            if (what := missing(ref, root))
        ]
    return found


def test_every_element_row_function_and_test_the_table_names_exists():
    assert problems(rows_of(RULES.read_text())) == []


def test_every_binding_paragraph_and_item_of_the_rules_has_a_row():
    listed = {row.rule.replace(" [assumed]", "") for row in rows_of(RULES.read_text())}
    assert [rule for rule in BINDING if rule not in listed] == []


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ("bpmn/license_hearing.bpmn#no_such_element", "has no element 'no_such_element'"),
        ("bpmn/license_routing.dmn#rule_99", "has no element 'rule_99'"),
        (
            "tests/procedure/test_terms.py::test_that_was_never_written",
            "defines no 'test_that_was_never_written'",
        ),
        ("workers/nowhere.py::check", "no file workers/nowhere.py"),
    ],
)
def test_a_row_naming_something_that_does_not_exist_is_found(reference, why):
    a_test = "tests/procedure/test_terms.py::test_a_plain_import_license_is_due_in_five_working_days"
    table = f"| para 13 (7) | the hearing | `{reference}` | `{a_test}` |"
    assert any(why in problem for problem in problems(rows_of(table)))


def test_a_row_without_a_test_is_found():
    table = "| para 9 (2) | import: 5 working days | `bpmn/license_routing.dmn#rule_10` | none yet |"
    assert problems(rows_of(table)) == ["para 9 (2): names no test"]
