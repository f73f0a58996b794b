"""Errors of JUEL expressions: syntax errors found at compile time, evaluation errors at run time."""

from __future__ import annotations


class ExpressionError(ValueError):
    """An expression could not be compiled or evaluated."""

    def __init__(self, problem: str, source: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.source = source

    def __str__(self) -> str:
        return f"{self.problem} in expression {_quoted(self.source)}"


class ExpressionSyntaxError(ExpressionError):
    """The text is not a JUEL expression, or it is too long or too deeply nested."""

    def __init__(self, problem: str, source: str, line: int, column: int) -> None:
        super().__init__(problem, source)
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return (
            f"Syntax error in expression {_quoted(self.source)} at line {self.line}, "
            f"column {self.column}: {self.problem}"
        )


class ExpressionEvaluationError(ExpressionError):
    """An expression failed while it was evaluated: a type error, a bound exceeded, a refused call."""

    def __str__(self) -> str:
        return f"Cannot evaluate expression {_quoted(self.source)}: {self.problem}"


class UnknownVariable(ExpressionEvaluationError):
    """The expression reads a variable the scope does not have."""

    def __init__(self, variable: str, source: str | None = None) -> None:
        super().__init__(f"Cannot resolve identifier '{variable}'", source)
        self.variable = variable

    def __str__(self) -> str:
        # Camunda's wording, so an analyst recognises it.
        return f"Unknown property used in expression {_quoted(self.source)}. Cause: {self.problem}"


class UnknownFunction(ExpressionEvaluationError):
    """The expression calls a function that is not registered in the scope."""

    def __init__(self, function: str, offered: list[str], source: str | None = None) -> None:
        names = ", ".join(sorted(offered)) or "none"
        super().__init__(f"Unknown function '{function}' (registered functions: {names})", source)
        self.function = function


def _quoted(source: str | None) -> str:
    """Return the expression text for a message, shortened when it is long."""
    if source is None:
        return "(unknown)"
    if len(source) > 200:
        return repr(source[:200] + "…")
    return repr(source)
