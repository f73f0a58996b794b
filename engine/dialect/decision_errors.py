"""The errors of FEEL expressions and DMN decisions; each names the text or element at fault."""

from __future__ import annotations


class FeelError(ValueError):
    """A FEEL expression or unary test could not be compiled or evaluated."""


class FeelSyntaxError(FeelError):
    """A FEEL text does not parse, or goes past a size or nesting limit."""

    def __init__(self, message: str, text: str = "", position: int | None = None):
        super().__init__(message)
        self.text = text
        self.position = position


class FeelEvaluationError(FeelError):
    """A FEEL expression failed while it was evaluated (unknown variable, limit, bad argument)."""


class DecisionError(ValueError):
    """A DMN decision cannot be read or its evaluation breaks a rule of its hit policy."""


class DecisionResultError(DecisionError):
    """A decision result does not fit the `camunda:mapDecisionResult` asked for."""
