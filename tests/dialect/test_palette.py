"""Every construct of the Camunda 7 palette is run by a test or refused at deploy, and documented so."""

from __future__ import annotations

import ast

import pytest

from engine.errors import InvalidDiagram
from tests.conftest import ROOT
from tests.dialect import palette

RUNS = [c for c in palette.CONSTRUCTS if c.test]
REFUSED = [c for c in palette.CONSTRUCTS if not c.test]


def test_every_construct_either_runs_or_is_refused_and_not_both():
    undecided = [c.name for c in palette.CONSTRUCTS if bool(c.test) == bool(c.refused and c.says)]
    assert undecided == []
    names = [c.name for c in palette.CONSTRUCTS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("construct", RUNS, ids=lambda c: c.name)
def test_a_construct_that_runs_has_a_test_that_runs_it(construct):
    path, name = construct.test.split("::")
    module = ast.parse((ROOT / path).read_text())
    tests = {node.name for node in module.body if isinstance(node, ast.FunctionDef)}
    assert name in tests, f"{construct.name}: no test {name} in {path}"


@pytest.mark.parametrize("construct", REFUSED, ids=lambda c: c.name)
def test_a_construct_that_does_not_run_is_refused_at_deploy(orchestrator, construct):
    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(palette.documents(construct.refused))

    assert construct.says in str(refused.value)


def test_docs_dialect_holds_the_table_of_the_palette():
    text = (ROOT / "docs" / "dialect.md").read_text()
    table = text.split(palette.START, 1)[1].split(palette.END, 1)[0].strip()
    assert table == palette.render(), "docs/dialect.md is stale: python -m tests.dialect.palette"
