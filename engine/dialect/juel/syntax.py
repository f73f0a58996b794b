"""Parse JUEL text with the lark grammar (juel.lark), refusing what is too long or too deep.

Syntax errors say what was found, where (line and column) and what would have fitted.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lark import Lark, Tree, UnexpectedInput, UnexpectedToken

from engine.dialect.juel.errors import ExpressionSyntaxError

MAX_SOURCE_LENGTH = 10_000
MAX_NESTING_DEPTH = 100


def parse(source: str) -> Tree:
    """Return the parse tree of JUEL text, or raise ExpressionSyntaxError."""
    if len(source) > MAX_SOURCE_LENGTH:
        line, column = position(source, MAX_SOURCE_LENGTH)
        raise ExpressionSyntaxError(
            f"the expression is {len(source)} characters long; at most {MAX_SOURCE_LENGTH} are allowed",
            source,
            line,
            column,
        )
    try:
        tree = _parser().parse(source)
    except UnexpectedInput as error:
        raise _syntax_error(source, error) from None
    _check_depth(source, tree)
    return tree


@functools.cache
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "juel.lark").read_text(encoding="utf-8")
    return Lark(grammar, start="template", parser="lalr", lexer="contextual", propagate_positions=True)


def position(source: str, offset: int) -> tuple[int, int]:
    """Return the line and column (from 1) of an offset in the text."""
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def _check_depth(source: str, tree: Tree) -> None:
    """Refuse a tree nested deeper than MAX_NESTING_DEPTH, without recursing."""
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING_DEPTH:
            line, column = (1, 1) if node.meta.empty else (node.meta.line, node.meta.column)
            raise ExpressionSyntaxError(
                f"the expression is nested more than {MAX_NESTING_DEPTH} levels deep", source, line, column
            )
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


_PUNCTUATION = {
    "RBRACE": "'}'",
    "RPAR": "')'",
    "RSQB": "']'",
    "LPAR": "'('",
    "LSQB": "'['",
    "DOT": "'.'",
    "COLON": "':'",
    "QMARK": "'?'",
    "COMMA": "','",
    "__ANON_0": "'${'",
    "__ANON_1": "'#{'",
}
_OPERANDS = {"INTEGER", "FLOAT", "STRING", "TRUE", "FALSE", "NULL", "IDENTIFIER", "FUNCTION_NAME"}
_PREFIXES = {"NOT", "EMPTY", "MINUS"}


def _syntax_error(source: str, error: UnexpectedInput) -> ExpressionSyntaxError:
    """Describe a lark error as the analyst sees it: what was found, where, and what was expected."""
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        line, column = position(source, len(source))
        problem = "the expression ends too early"
    else:
        offset = error.pos_in_stream or 0
        line, column = position(source, offset)
        found = re.match(r"[\w$]+|\S", source[offset:])
        problem = f"unexpected {found.group() if found else 'end'!r}"
        if source[offset : offset + 1] in ("'", '"'):
            problem = "unterminated string"
    expected = _acceptable(error)
    if expected:
        problem += f"; expected {_expected(expected)}"
    return ExpressionSyntaxError(problem, source, line, column)


def _acceptable(error: UnexpectedInput) -> set[str]:
    """Return the terminals the parser could have taken where it stopped."""
    parser = getattr(error, "interactive_parser", None)
    if parser is not None:
        try:
            return set(parser.accepts())
        except Exception:  # the precise set is a nicety; fall back to lark's own
            pass
    return set(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())


def _expected(names: set[str]) -> str:
    words = set()
    wants_value = bool(names & _OPERANDS)
    for name in names:
        if name in _OPERANDS:
            words.add("a value")
        elif wants_value and (name in _PREFIXES or name == "LPAR"):
            continue
        elif name in _PUNCTUATION:
            words.add(_PUNCTUATION[name])
        elif name not in ("TEXT", "$END"):
            words.add("an operator")
    if "$END" in names:
        words.add("the end of the text")
    return " or ".join(sorted(words)) or "something else"
