"""JUEL (Java Unified Expression Language 2.2) as Camunda 7 reads it, over Python case variables.

    expression = compile_expression("${amount > 100 && approved}")
    expression.evaluate(Scope(variables={"amount": 250, "approved": True}))   # True

`compile_expression(text)` takes the text as an analyst types it in Camunda Modeler:
- `${...}` or `#{...}`: one expression; `evaluate` returns its value (int, float, str, bool, None,
  or whatever a variable or function holds);
- composite text, `Dear ${name}, ...`: the literal parts and the values as text, joined (null is
  "", true is "true", 2.0 is "2.0"); `\\${` is a literal `${`;
- text without `${`, such as a timer's `PT10M`: a literal string (`is_literal` is true).
The text is taken as it is: ` ${x} ` is composite text, so callers strip what Camunda's
parser strips (condition and timer texts) before compiling.
Compiled expressions are cached by their text. Syntax errors raise `ExpressionSyntaxError` with
the text, line and column; evaluation errors raise `ExpressionEvaluationError` naming the text
and the operands' types, `UnknownVariable` (Camunda's "Unknown property used in expression")
and `UnknownFunction` being its subclasses.

What an expression may use:
- literals: 12, 1.5, 1e3, 'text' or "text" (escapes \\' \\" \\\\), true, false, null;
- variables of the `Scope`, and `execution` / `task` when the scope has them;
- `order.amount` and `order['amount']` on maps (null when absent), `items[0]` on lists (null out
  of range), `a.b` on null is null;
- `+ - * / div % mod`, unary `-` (numeric only; null is 0; `/` yields a float, x/0 is Infinity
  or NaN as in Java; integers beyond 64 bits are refused rather than wrapped);
- `== != < > <= >= eq ne lt gt le ge` with JUEL's coercions (`'5' == 5` is true, `'a' == 5` an
  error, two strings compare as text), `&& || ! and or not` (short-circuit), `empty`, `a ? b : c`;
- Java methods, and only these: on strings length isEmpty contains startsWith endsWith equals
  equalsIgnoreCase indexOf lastIndexOf compareTo toUpperCase toLowerCase trim substring concat;
  on lists size isEmpty contains get indexOf; on maps size isEmpty get containsKey containsValue;
  on any value equals and toString;
- functions registered in the scope, `statutory_due_iso(registered_on, 5)` or `prefix:name(...)`;
- a `ContextObject`'s declared methods and properties (`execution.getVariable('x')`, `task.assignee`).
Nothing else: no Python attribute of any object is ever read, names starting with `_` are
refused, and no text reaches Python's eval. Bounds: 10 000 characters of source, nesting depth
100, composite results of at most 1 MiB. JUEL 2.2 has no loops or lambdas, so evaluation time is
bounded by the size of the text (and of the data a method like `contains` walks).

Not supported: assignment and the EL 3.0 additions (lambdas, `+=`, `;`, collection literals),
`instanceof`, calling methods on arbitrary Java-like objects, Java's Date.toString() format
(dates turn into ISO text), BigInteger literals beyond 64 bits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.dialect.juel.compiler import CONTEXT_NAMES, Closure, compile_text
from engine.dialect.juel.errors import (
    ExpressionError,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    UnknownFunction,
    UnknownVariable,
)
from engine.dialect.juel.members import MAX_TEXT, ContextObject, execution_context, task_context
from engine.dialect.juel.syntax import MAX_NESTING_DEPTH, MAX_SOURCE_LENGTH

__all__ = [
    "CONTEXT_NAMES",
    "MAX_NESTING_DEPTH",
    "MAX_SOURCE_LENGTH",
    "MAX_TEXT",
    "ContextObject",
    "Expression",
    "ExpressionError",
    "ExpressionEvaluationError",
    "ExpressionSyntaxError",
    "Scope",
    "UnknownFunction",
    "UnknownVariable",
    "compile_expression",
    "execution_context",
    "task_context",
]


@dataclass(frozen=True, slots=True)
class Scope:
    """What an expression sees: the case variables, the registered functions, the execution and task."""

    variables: Mapping[str, Any] = field(default_factory=dict)
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    execution: ContextObject | None = None
    task: ContextObject | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Expression:
    """A compiled JUEL text, ready to be evaluated against many scopes."""

    source: str
    is_literal: bool
    variable_names: frozenset[str]
    _run: Closure = field(repr=False)

    def evaluate(self, scope: Scope | Mapping[str, Any] | None = None) -> Any:
        """Return the expression's value in `scope` (a `Scope`, or a mapping of variables)."""
        if not isinstance(scope, Scope):
            scope = Scope(variables={} if scope is None else scope)
        try:
            return self._run(scope)
        except ExpressionEvaluationError as error:
            if error.source is None:
                error.source = self.source
            raise
        except RecursionError:
            raise ExpressionEvaluationError("the expression nests too deeply", self.source) from None
        except (ArithmeticError, LookupError, TypeError, ValueError) as error:
            # A safety net: every known failure is reported above; this one still names the text.
            problem = f"{type(error).__name__}: {error}"
            raise ExpressionEvaluationError(problem, self.source) from error


@functools.lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expression:
    """Compile Camunda-style text (`${...}`, `#{...}`, composite text or plain text) into an Expression."""
    if not isinstance(text, str):
        raise TypeError(f"an expression is text, not {type(text).__name__}")
    compiled = compile_text(text)
    return Expression(text, compiled.is_literal, compiled.variable_names, compiled.run)
