"""Expressions in diagrams see the case variables and the working-day calendar."""

from __future__ import annotations

from engine.dialect.expressions import expression_globals


def test_the_statutory_due_time_is_available_to_timer_expressions():
    due = eval("statutory_due_iso(registered_on, 5)", {**expression_globals(), "registered_on": "2025-03-26"})

    assert due == "2025-04-02T18:30:00+05:00"


def test_expressions_get_no_wall_clock_function():
    assert "now" not in expression_globals()
