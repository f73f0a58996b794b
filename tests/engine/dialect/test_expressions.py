"""Expressions in diagrams are JUEL over the case variables, with the procedure's functions in scope."""

from __future__ import annotations

from engine.dialect.expressions import compile_for, expression_functions
from engine.dialect.juel import Scope


def _value(text: str, **variables):
    return compile_for(text).evaluate(Scope(variables=variables, functions=expression_functions()))


def test_the_statutory_due_time_is_available_to_timer_expressions():
    assert (
        _value("${statutory_due_iso(registered_on, 5)}", registered_on="2025-03-26")
        == "2025-04-02T18:30:00+05:00"
    )


def test_expressions_get_no_wall_clock_function():
    assert "now" not in expression_functions()


def test_a_timer_typed_as_the_modeler_expects_is_a_literal():
    assert _value("PT10M") == "PT10M"
    assert _value("  ${term_days + 2}  ", term_days=5) == 7  # Camunda strips the text first
