"""Walk a checked Python-subset syntax tree over a case's variables, step by counted step."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from time import monotonic
from typing import Any

from engine.dialect.scripts.errors import ScriptFailed, describe_task
from engine.dialect.scripts.limits import Budget, LimitExceeded, ScriptLimits
from engine.dialect.scripts.python_builtins import (
    BUILTINS,
    ScriptTypeError,
    call_method,
    iterate,
    materialize,
    render,
)
from engine.dialect.scripts.python_execution import Execution, TaskObject
from engine.dialect.scripts.python_operators import binary, compare, get_item, set_item, unary
from engine.dialect.scripts.python_values import changed_variables, thaw

LANGUAGE = "python"


class ScriptNameError(Exception):
    """A name is neither a variable nor a function the script may call."""


class _FunctionFailed(Exception):
    """A registered function raised; the cause is kept."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def run_module(
    tree: ast.Module,
    variables: Mapping[str, Any],
    functions: Mapping[str, Callable[..., Any]],
    *,
    element_id: str,
    limits: ScriptLimits,
    business_key: str | None,
    process_instance_id: str | None,
    event_name: str | None = None,
    task: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the script's statements; return the variables it set or changed, or raise ScriptFailed.

    `task` (a task listener's facts) becomes the script's `task`; what it sets there is left in it.
    """
    run = _Run(variables, functions, Budget(limits))
    run.execution = Execution(run, element_id, business_key, process_instance_id, event_name)
    run.task = None if task is None else TaskObject(run.execution, task)
    try:
        run.block(tree.body)
        return changed_variables(run.variables, variables, run.assigned, run.copied, run.budget)
    except Exception as error:  # noqa: BLE001 - every failure of untrusted code becomes ScriptFailed
        cause = _describe(error)
        task = describe_task(element_id, LANGUAGE)
        message = f"{task} failed at line {run.line}: {cause}"
        raise ScriptFailed(message, element_id=element_id, language=LANGUAGE, cause=cause) from (
            error if isinstance(error, _FunctionFailed) else None
        )


def _describe(error: Exception) -> str:
    if isinstance(error, LimitExceeded | ScriptTypeError | ScriptNameError | _FunctionFailed):
        return str(error)
    if isinstance(error, RecursionError):
        return "a value nests too deeply"
    if isinstance(error, MemoryError):
        return "it ran out of memory"
    return f"{type(error).__name__}: {error}"


class _Run:
    """One run of a script: its namespace, budget and the names it assigned."""

    def __init__(
        self, variables: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]], budget: Budget
    ) -> None:
        self.inputs = variables
        self.variables: dict[str, Any] = dict(variables)
        self.functions = functions
        self.budget = budget
        self.assigned: dict[str, None] = {}  # in the order first assigned
        self.copied: set[str] = set()
        self.scopes: list[dict[str, Any]] = []
        self.line = 1
        self.execution: Execution | None = None
        self.task: TaskObject | None = None
        self._statements = {
            ast.Assign: self._assign,
            ast.AugAssign: self._augmented,
            ast.If: self._if,
            ast.For: self._for,
            ast.While: self._while,
            ast.Expr: lambda node: self.eval(node.value),
            ast.Pass: lambda node: None,
            ast.Break: self._break,
            ast.Continue: self._continue,
            ast.Delete: self._delete,
        }
        self._expressions = {
            ast.Constant: lambda node: node.value,
            ast.Name: lambda node: self.load(node.id),
            ast.BoolOp: self._bool_op,
            ast.BinOp: lambda node: binary(node.op, self.eval(node.left), self.eval(node.right), self.budget),
            ast.UnaryOp: lambda node: unary(node.op, self.eval(node.operand), self.budget),
            ast.Compare: self._compare,
            ast.IfExp: lambda node: self.eval(node.body if self.eval(node.test) else node.orelse),
            ast.Call: self._call,
            ast.Subscript: lambda node: get_item(self.eval(node.value), self.eval(node.slice), self.budget),
            ast.Slice: self._slice,
            ast.List: lambda node: self._sized(list(map(self.eval, node.elts))),
            ast.Tuple: lambda node: self._sized(tuple(map(self.eval, node.elts))),
            ast.Set: lambda node: self._sized(set(map(self.eval, node.elts))),
            ast.Dict: self._dict,
            ast.ListComp: self._list_comprehension,
            ast.SetComp: lambda node: set(self._list_comprehension(node)),
            ast.DictComp: self._dict_comprehension,
            ast.JoinedStr: self._f_string,
            ast.FormattedValue: self._formatted,
            ast.Attribute: self._attribute,
        }

    # statements

    def block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.line = statement.lineno
            self.budget.step()
            self._statements[type(statement)](statement)

    def _assign(self, node: ast.Assign) -> None:
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value)

    def _augmented(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            current = self.load(target.id)
            self.store(target.id, self._combine(node.op, current, self.eval(node.value)))
            return
        container, index = self.eval(target.value), self.eval(target.slice)
        current = get_item(container, index, self.budget)
        set_item(container, index, self._combine(node.op, current, self.eval(node.value)), self.budget)

    def _combine(self, op: ast.operator, current: Any, value: Any) -> Any:
        if isinstance(op, ast.Add) and isinstance(current, list):
            # `items += more` extends the list in place, as Python does
            more = materialize(value, self.budget)
            self.budget.items(len(current) + len(more))
            current.extend(more)
            return current
        return binary(op, current, value, self.budget)

    def _if(self, node: ast.If) -> None:
        self.block(node.body if self.eval(node.test) else node.orelse)

    def _for(self, node: ast.For) -> None:
        for count, item in enumerate(iterate(self.eval(node.iter), self.budget), start=1):
            self._count_iteration(count)
            self.assign(node.target, item)
            try:
                self.block(node.body)
            except _Break:
                return
            except _Continue:
                continue
        self.block(node.orelse)

    def _while(self, node: ast.While) -> None:
        count = 0
        while self.eval(node.test):
            count += 1
            self._count_iteration(count)
            try:
                self.block(node.body)
            except _Break:
                return
            except _Continue:
                continue
        self.block(node.orelse)

    def _count_iteration(self, count: int) -> None:
        if count > self.budget.limits.max_loop_iterations:
            raise LimitExceeded(f"a loop ran more than {self.budget.limits.max_loop_iterations} times")

    def _break(self, node: ast.Break) -> None:
        raise _Break

    def _continue(self, node: ast.Continue) -> None:
        raise _Continue

    def _delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            name = target.id  # the checker allows only names here
            if name in self.inputs:
                raise ScriptTypeError(f"the case variable {name!r} cannot be deleted")
            if name not in self.variables:
                raise ScriptNameError(f"unknown variable {name!r}")
            del self.variables[name]
            self.assigned.pop(name, None)

    # names

    def load(self, name: str) -> Any:
        """Return the value of the variable `name`, innermost comprehension first."""
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name == "execution":
            return self.execution
        if name == "task" and self.task is not None:
            return self.task
        if name in self.variables:
            return self.variable(name)
        if name in self.functions or name in BUILTINS:
            raise ScriptNameError(f"the function {name!r} can only be called, as {name}(...)")
        raise ScriptNameError(f"unknown variable {name!r}")

    def variable(self, name: str) -> Any:
        """Return the variable `name`, copying a case variable on its first use."""
        if name not in self.copied and name in self.inputs and name not in self.assigned:
            # copied on first use, so the caller's values are never changed in place
            self.copied.add(name)
            self.variables[name] = thaw(self.variables[name], self.budget)
        return self.variables[name]

    def store(self, name: str, value: Any) -> None:
        """Set the variable `name`; the run reports it as set."""
        self.variables[name] = value
        self.assigned[name] = None

    def assign(self, target: ast.expr, value: Any, scope: dict[str, Any] | None = None) -> None:
        """Assign `value` to a name, an item or a tuple of targets."""
        if isinstance(target, ast.Name):
            if scope is None:
                self.store(target.id, value)
            else:
                scope[target.id] = value
        elif isinstance(target, ast.Subscript):
            set_item(self.eval(target.value), self.eval(target.slice), value, self.budget)
        elif isinstance(target, ast.Attribute):
            self._task_of(target).write(target.attr, value)
        else:
            values = materialize(value, self.budget)
            if len(values) != len(target.elts):
                raise ScriptTypeError(f"cannot unpack {len(values)} values into {len(target.elts)} targets")
            for element, item in zip(target.elts, values, strict=True):
                self.assign(element, item, scope)

    # expressions

    def eval(self, node: ast.expr) -> Any:
        """Return the value of an expression, charging a step."""
        self.budget.step()
        return self._expressions[type(node)](node)

    def _sized(self, collection: Any) -> Any:
        self.budget.items(len(collection))
        return collection

    def _dict(self, node: ast.Dict) -> dict[Any, Any]:
        return self._sized({self.eval(k): self.eval(v) for k, v in zip(node.keys, node.values, strict=True)})

    def _bool_op(self, node: ast.BoolOp) -> Any:
        value = None
        for operand in node.values:
            value = self.eval(operand)
            if isinstance(node.op, ast.And) != bool(value):
                return value
        return value

    def _compare(self, node: ast.Compare) -> bool:
        left = self.eval(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.eval(comparator)
            if not compare(op, left, right, self.budget):
                return False
            left = right
        return True

    def _attribute(self, node: ast.Attribute) -> Any:
        return self._task_of(node).read(node.attr)

    def _task_of(self, node: ast.Attribute) -> TaskObject:
        target = self.eval(node.value)
        if not isinstance(target, TaskObject):
            raise ScriptTypeError(f"'.{node.attr}' can only be read or set on a task listener's task")
        return target

    def _slice(self, node: ast.Slice) -> slice:
        bounds = [None if part is None else self.eval(part) for part in (node.lower, node.upper, node.step)]
        if not all(bound is None or isinstance(bound, int) for bound in bounds):
            raise ScriptTypeError("slice bounds must be whole numbers")
        return slice(*bounds)

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        target = self.eval(func.value) if isinstance(func, ast.Attribute) else None
        args = [self.eval(arg) for arg in node.args]
        named = {keyword.arg: self.eval(keyword.value) for keyword in node.keywords}
        if isinstance(func, ast.Attribute):
            if isinstance(target, Execution | TaskObject):
                return target.call(func.attr, args, named)
            return call_method(self.budget, target, func.attr, args, named)
        return self._call_function(func.id, args, named)

    def _call_function(self, name: str, args: list[Any], named: dict[str, Any]) -> Any:
        if name in self.functions:
            started = monotonic()
            try:
                result = self.functions[name](*args, **named)
            except Exception as error:  # noqa: BLE001 - the function is trusted; its failure is the script's
                cause = f"{type(error).__name__}: {error}"
                raise _FunctionFailed(f"the function {name}() failed: {cause}") from error
            finally:
                # time in a registered (trusted) function is not the script's: a cold calendar is slow
                self.budget.extend(monotonic() - started)
            return result
        builtin = BUILTINS.get(name)
        if builtin is None:
            raise ScriptNameError(f"unknown function {name!r}")
        try:
            return builtin(self.budget, *args, **named)
        except TypeError as error:
            raise ScriptTypeError(f"{name}() was called with values it does not take ({error})") from None

    def _list_comprehension(self, node: ast.ListComp | ast.SetComp) -> list[Any]:
        result: list[Any] = []

        def emit() -> None:
            self.budget.grow(len(result) + 1)
            result.append(self.eval(node.elt))

        self._comprehend(node.generators, emit)
        return result

    def _dict_comprehension(self, node: ast.DictComp) -> dict[Any, Any]:
        result: dict[Any, Any] = {}

        def emit() -> None:
            self.budget.grow(len(result) + 1)
            result[self.eval(node.key)] = self.eval(node.value)

        self._comprehend(node.generators, emit)
        return result

    def _comprehend(self, generators: list[ast.comprehension], emit: Callable[[], None]) -> None:
        self.scopes.append({})
        try:
            self._generate(generators, 0, emit)
        finally:
            self.scopes.pop()

    def _generate(self, generators: list[ast.comprehension], index: int, emit: Callable[[], None]) -> None:
        if index == len(generators):
            emit()
            return
        generator = generators[index]
        for count, item in enumerate(iterate(self.eval(generator.iter), self.budget), start=1):
            self._count_iteration(count)
            self.assign(generator.target, item, self.scopes[-1])
            if all(self.eval(condition) for condition in generator.ifs):
                self._generate(generators, index + 1, emit)

    def _f_string(self, node: ast.JoinedStr) -> str:
        parts = [self.eval(value) for value in node.values]
        self.budget.string(sum(map(len, parts)))
        return "".join(parts)

    def _formatted(self, node: ast.FormattedValue) -> str:
        value = self.eval(node.value)
        conversion = chr(node.conversion) if node.conversion != -1 else "s"
        if node.format_spec is None:
            return render(value, self.budget, conversion)
        if conversion != "s":
            value = render(value, self.budget, conversion)
        text = format(value, self.eval(node.format_spec))  # the checker keeps the spec short and constant
        self.budget.string(len(text))
        return text
