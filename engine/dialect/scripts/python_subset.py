"""Compile a `scriptFormat="python"` script into the safe Python subset, checked at deploy.

The source is parsed with `ast.parse` and never compiled to bytecode: the syntax tree is
checked against a whitelist here and walked by `engine.dialect.python_eval`. Allowed:
assignments (tuple unpacking, augmented, to list items and dict keys), `if/elif/else`,
`for` and `while` (each loop capped), `break`, `continue`, `pass`, `del name`,
expressions (literals, arithmetic, comparisons, `and/or/not`, ternaries, subscripts,
slices, f-strings, list/tuple/dict/set literals and comprehensions), calls to
registered functions and a few pure builtins, and a few str/list/dict methods.
Refused: `import`, `def`, `lambda`, `class`, `with`, `try`, `raise`, `return`,
`global`, `nonlocal`, `async`, `yield`, `match`, `:=`, `*`/`**` unpacking, attribute
access other than a whitelisted method call, and any name starting with `__`.
`while` is allowed because every test of its condition costs a step, so the step budget
ends any loop; it is capped like `for` besides.

Builtins: len str int float bool abs min max sum round sorted list tuple set dict range any
all enumerate zip (range, enumerate and zip give lists). Methods: str upper lower strip
lstrip rstrip split join startswith endswith replace; list append extend pop index count;
dict get keys values items update pop (keys, values and items give lists). Every result is
checked against `ScriptLimits`: string length, items per collection, integer bits, bytes
built in all, steps and wall-clock time.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.dialect.scripts.errors import ScriptRefused, ScriptSyntaxError, describe_task
from engine.dialect.scripts.limits import DEFAULT_LIMITS, ScriptLimits
from engine.dialect.scripts.python_builtins import BUILTINS, EXECUTION_METHODS, METHOD_NAMES
from engine.dialect.scripts.python_eval import run_module
from engine.dialect.scripts.python_execution import TASK_METHODS, TASK_PROPERTIES

LANGUAGE = "python"

# Builtins a script might reach for to escape; named at deploy rather than at run time.
FORBIDDEN_CALLS = frozenset(
    {
        *("eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "hasattr", "globals"),
        *("locals", "vars", "dir", "type", "object", "__import__", "input", "breakpoint", "help", "id"),
        *("memoryview", "bytearray", "bytes", "classmethod", "staticmethod", "property", "super"),
        *("iter", "next", "format", "print", "exit", "quit"),
    }
)

_STATEMENTS = (
    ast.Assign, ast.AugAssign, ast.If, ast.For, ast.While, ast.Break, ast.Continue, ast.Pass,
    ast.Expr, ast.Delete,
)  # fmt: skip
_EXPRESSIONS = (
    ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Call, ast.Constant, ast.Name,
    ast.Subscript, ast.Slice, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.ListComp, ast.DictComp,
    ast.SetComp, ast.JoinedStr, ast.FormattedValue, ast.Attribute,
)  # fmt: skip
_PARTS = (
    ast.Module, ast.Load, ast.Store, ast.Del, ast.keyword, ast.comprehension,
    ast.operator, ast.unaryop, ast.cmpop, ast.boolop,
)  # fmt: skip
_CONSTANT_TYPES = (str, int, float, bool, type(None))
_REFUSED_WORDS = {
    ast.Import: "import", ast.ImportFrom: "import", ast.FunctionDef: "def", ast.AsyncFunctionDef: "def",
    ast.Lambda: "lambda", ast.ClassDef: "class", ast.With: "with", ast.AsyncWith: "with",
    ast.Try: "try", ast.Raise: "raise", ast.Return: "return", ast.Global: "global",
    ast.Nonlocal: "nonlocal", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Await: "await",
    ast.AsyncFor: "async for", ast.Match: "match", ast.NamedExpr: "the := operator",
    ast.Starred: "* unpacking", ast.GeneratorExp: "a generator expression (use a list comprehension)",
    ast.Assert: "assert", ast.AnnAssign: "annotated assignment", ast.MatMult: "the @ operator",
}  # fmt: skip
if hasattr(ast, "TryStar"):
    _REFUSED_WORDS[ast.TryStar] = "try"


@dataclass(frozen=True)
class PythonScript:
    """A python script task's script, checked against the subset and ready to run."""

    element_id: str
    source: str
    tree: ast.Module
    limits: ScriptLimits = DEFAULT_LIMITS
    language: str = LANGUAGE

    def run(
        self,
        variables: Mapping[str, Any],
        functions: Mapping[str, Callable[..., Any]] | None = None,
        *,
        business_key: str | None = None,
        process_instance_id: str | None = None,
        event_name: str | None = None,
        task: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Run the script over `variables`; return the variables it set or changed."""
        return run_module(
            self.tree,
            variables,
            functions or {},
            element_id=self.element_id,
            limits=self.limits,
            business_key=business_key,
            process_instance_id=process_instance_id,
            event_name=event_name,
            task=task,
        )


def compile_python(source: str, *, element_id: str, limits: ScriptLimits = DEFAULT_LIMITS) -> PythonScript:
    """Parse `source` and check it against the subset; raise ScriptSyntaxError or ScriptRefused."""
    task = describe_task(element_id, LANGUAGE)
    if len(source) > limits.max_source_chars:
        raise ScriptRefused(
            f"{task}: the script has {len(source)} characters; the cap is {limits.max_source_chars}",
            element_id=element_id,
            language=LANGUAGE,
        )
    tree = _parse(source, element_id)
    _Checker(element_id, limits).check(tree)
    return PythonScript(element_id=element_id, source=source, tree=tree, limits=limits)


def _parse(source: str, element_id: str) -> ast.Module:
    task = describe_task(element_id, LANGUAGE)
    try:
        return ast.parse(source, filename=f"<{element_id}>", mode="exec")
    except SyntaxError as error:
        line, column = error.lineno or 1, error.offset or 1
        raise ScriptSyntaxError(
            f"{task}: syntax error at line {line}, column {column}: {error.msg}",
            element_id=element_id,
            language=LANGUAGE,
            line=line,
            column=column,
        ) from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise ScriptSyntaxError(
            f"{task}: syntax error at line 1, column 1: {error}",
            element_id=element_id,
            language=LANGUAGE,
            line=1,
            column=1,
        ) from None


class _Checker:
    """Walk a parsed script and refuse anything outside the subset."""

    def __init__(self, element_id: str, limits: ScriptLimits) -> None:
        self.element_id = element_id
        self.limits = limits
        self.nodes = 0

    def check(self, tree: ast.Module) -> None:
        self._visit(tree, depth=0, parent=None, in_loop=False)

    def refuse(self, node: ast.AST, what: str) -> None:
        line, column = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        raise ScriptRefused(
            f"{describe_task(self.element_id, LANGUAGE)}: line {line}, column {column}: {what}",
            element_id=self.element_id,
            language=LANGUAGE,
        )

    def _visit(self, node: ast.AST, depth: int, parent: ast.AST | None, in_loop: bool) -> None:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            self.refuse(node, f"the script has more than {self.limits.max_nodes} syntax nodes")
        if depth > self.limits.max_nesting:
            self.refuse(node, f"the script nests deeper than {self.limits.max_nesting} levels")
        refused = _REFUSED_WORDS.get(type(node))
        if refused:
            self.refuse(node, f"{refused} is not allowed in a script")
        if not isinstance(node, _STATEMENTS + _EXPRESSIONS + _PARTS):
            self.refuse(node, f"{type(node).__name__} is not allowed in a script")
        if isinstance(node, ast.Break | ast.Continue) and not in_loop:
            self.refuse(node, f"'{type(node).__name__.lower()}' outside a loop")
        loop_body = node.body if isinstance(node, ast.For | ast.While) else ()
        for child in ast.iter_child_nodes(node):
            inside = in_loop and not isinstance(child, ast.expr) or any(child is s for s in loop_body)
            self._visit(child, depth + 1, node, inside)
        self._check_node(node, parent)  # after the children, so the innermost offence is named

    def _check_node(self, node: ast.AST, parent: ast.AST | None) -> None:
        if isinstance(node, ast.Name):
            self._check_name(node, parent)
        elif isinstance(node, ast.Attribute):
            self._check_attribute(node, parent)
        elif isinstance(node, ast.Constant):
            self._check_constant(node)
        elif isinstance(node, ast.Call):
            self._check_call(node)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.For | ast.Delete):
            self._check_targets(node)
        elif isinstance(node, ast.comprehension) and node.is_async:
            self.refuse(node.target, "async comprehensions are not allowed in a script")
        elif isinstance(node, ast.Dict) and any(key is None for key in node.keys):
            self.refuse(node, "** unpacking is not allowed in a script")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            self._check_format_spec(node.format_spec)

    def _check_name(self, node: ast.Name, parent: ast.AST | None) -> None:
        if node.id.startswith("__"):
            self.refuse(node, f"the name {node.id!r} is not allowed (names may not start with '__')")
        if node.id == "execution" and not (isinstance(parent, ast.Attribute) and parent.value is node):
            self.refuse(node, "'execution' is the case's execution: use it as execution.getVariable('x')")

    def _check_attribute(self, node: ast.Attribute, parent: ast.AST | None) -> None:
        if node.attr.startswith("_"):
            self.refuse(node, f"the attribute {node.attr!r} is not allowed (no attribute may start with '_')")
        called = isinstance(parent, ast.Call) and parent.func is node and isinstance(node.ctx, ast.Load)
        on_task = isinstance(node.value, ast.Name) and node.value.id == "task"
        if on_task and not called and node.attr in TASK_PROPERTIES:
            return  # a task listener's task.assignee, task.name, ...
        if not called:
            self.refuse(node, f"'.{node.attr}' is not allowed; an attribute can only be a method call")
        methods = METHOD_NAMES | EXECUTION_METHODS | (TASK_METHODS if on_task else frozenset())
        if node.attr not in methods:
            allowed = ", ".join(sorted(METHOD_NAMES | EXECUTION_METHODS))
            self.refuse(node, f"the method {node.attr!r} is not allowed; allowed methods: {allowed}")

    def _check_constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, _CONSTANT_TYPES):
            self.refuse(node, f"{type(node.value).__name__} literals are not allowed in a script")
        if isinstance(node.value, int) and node.value.bit_length() > self.limits.max_int_bits:
            self.refuse(node, f"the number literal passes the cap of {self.limits.max_int_bits} bits")

    def _check_call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            available = ", ".join(sorted(BUILTINS))
            self.refuse(
                node,
                f"{node.func.id}() is not available in scripts; "
                f"call registered functions or these builtins: {available}",
            )
        if not isinstance(node.func, ast.Name | ast.Attribute):
            self.refuse(node, "only named functions and whitelisted methods can be called")
        for keyword in node.keywords:
            if keyword.arg is None:
                self.refuse(node, "** unpacking is not allowed in a script")

    def _check_targets(self, node: ast.Assign | ast.AugAssign | ast.For | ast.Delete) -> None:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.Delete):
            targets = node.targets
            for target in targets:
                if not isinstance(target, ast.Name):
                    self.refuse(target, "del can only forget a variable (del name)")
        else:
            targets = [node.target]
        for target in targets:
            self._check_target(target, allow_nested=not isinstance(node, ast.AugAssign))

    def _check_target(self, target: ast.expr, allow_nested: bool) -> None:
        if isinstance(target, ast.Name | ast.Subscript):
            return
        on_task = isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
        if on_task and target.value.id == "task" and allow_nested:
            return  # task.assignee = 'ann' in a task listener (checked when it runs)
        if isinstance(target, ast.Tuple | ast.List) and allow_nested:
            for element in target.elts:
                self._check_target(element, allow_nested)
            return
        self.refuse(target, "only variables, list items and dict keys can be assigned")

    def _check_format_spec(self, spec: ast.expr) -> None:
        # a computed spec could ask for a width of a billion characters
        values = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
        text = "".join(v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if len(values) != sum(isinstance(v, ast.Constant) for v in values) or len(text) > 32:
            self.refuse(spec, "an f-string format spec must be short and constant")
        digits = "".join(c if c.isdigit() else " " for c in text).split()
        if any(len(run) > 3 for run in digits):
            self.refuse(spec, "an f-string format spec may not ask for more than 999 characters")
