"""Variable mappings as Camunda 7 runs them: `camunda:inputOutput` on activities, `camunda:in`/`out` on calls.

**Input parameters** become local variables of the activity when it begins: the task, its
worker, its script or its sub-process see them, evaluated against the variables outside
(`${x}`, plain text as a literal, `camunda:list`, `camunda:map`). When the activity ends,
its locals vanish and a variable they shadowed is as it was. **Output parameters**, when
there is any, are the only variables the activity gives back: each is evaluated against
the activity's own variables and set outside; what the task, worker or script set besides
stays local. Without output parameters what the activity set (other than its locals) goes
out, as before.

A **call activity** passes to the called process only what its `camunda:in` mappings name
(`source`/`target`, `sourceExpression`, `variables="all"`, `local="true"` for the call's
own locals) and gets back only what its `camunda:out` mappings name; `businessKey` gives
the called process its business key. A call activity deployed before licflow read these
mappings (its spec has no `CALLS` entry) keeps passing every variable both ways.
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy
from typing import Any

from engine.dialect.constructs.vocabulary import B, C, local
from engine.dialect.expressions import compile_for, evaluate
from engine.dialect.juel import ExpressionError

IO = "inputOutput"  # extensions key: {"inputs": [...], "outputs": [...]}
CALLS = "variableMappings"  # extensions key of a call activity: {"in": [...], "out": [...], "businessKey"}
SCOPE = "scope"  # internal data of an activity with locals: {"outside": {...}, "locals": [...]}
MAPPED_KINDS = (
    "userTask",
    "serviceTask",
    "sendTask",
    "scriptTask",
    "businessRuleTask",
    "task",
    "manualTask",
    "subProcess",
    "callActivity",
)
SIGNAL_VARIABLES = ("in", "signalEventDefinition")  # refusals._reference_rules says why that is refused
LOOP_LOCALS = ("loopCounter", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances")


# --- reading the diagram -------------------------------------------------------------


def read_input_output(node) -> dict | None:
    """Return the element's input and output parameters as stored in its spec, or None."""
    found = node.find(f"{B}extensionElements/{C}inputOutput")
    if found is None:
        return None
    return {
        "inputs": [_parameter(p) for p in found.findall(f"{C}inputParameter")],
        "outputs": [_parameter(p) for p in found.findall(f"{C}outputParameter")],
    }


def _parameter(node) -> dict:
    return {"name": node.get("name"), "value": _value_of(node)}


def _value_of(node) -> dict | None:
    """Read a parameter's (or list item's, or map entry's) value: text, list, map, or nothing."""
    children = [c for c in node if isinstance(c.tag, str)]
    if not children:
        return {"text": node.text} if node.text is not None and node.text.strip() else None
    child = children[0]
    kind = local(child.tag)
    if kind == "list":
        return {"list": [_value_of(item) for item in child if isinstance(item.tag, str)]}
    if kind == "map":
        return {"map": [[e.get("key"), _value_of(e)] for e in child.findall(f"{C}entry")]}
    return None  # a script: refused at deploy (`problems`)


def read_call_mappings(node) -> dict:
    """Return a call activity's camunda:in / camunda:out mappings as stored in its spec."""
    extensions = node.find(f"{B}extensionElements")
    found: dict[str, Any] = {"in": [], "out": [], "businessKey": None}
    for mapping in extensions if extensions is not None else ():
        kind = local(mapping.tag) if isinstance(mapping.tag, str) else ""
        if kind not in ("in", "out") or not mapping.tag.startswith(C):
            continue
        if mapping.get("businessKey") is not None:
            found["businessKey"] = mapping.get("businessKey")
            continue
        found[kind].append(
            {
                "all": mapping.get("variables") == "all",
                "source": mapping.get("source"),
                "sourceExpression": mapping.get("sourceExpression"),
                "target": mapping.get("target"),
                "local": mapping.get("local") == "true",
            }
        )
    return found


def problems(element) -> Iterator[tuple[Any, str, str]]:
    """Yield (element, problem, remedy) for each mapping of `element` licflow cannot run as Camunda does."""
    if not isinstance(element.tag, str) or not element.tag.startswith(C):
        return
    kind = local(element.tag)
    holder = element.getparent().getparent() if element.getparent() is not None else None
    holder_kind = local(holder.tag) if holder is not None else ""
    if kind == "inputOutput" and holder_kind not in MAPPED_KINDS:
        yield holder, f"camunda:inputOutput on a {holder_kind} is not supported", "map variables on a task"
    elif kind in ("inputParameter", "outputParameter") and not element.get("name"):
        yield _activity(element), f"a camunda:{kind} without a name", "name the variable it sets"
    elif kind == "script" and _in_parameter(element):
        yield (
            _activity(element),
            "a script (camunda:script) in an input/output parameter is not supported",
            "an expression such as ${...}, or a script task before the activity",
        )
    elif kind in ("value", "entry") and _in_parameter(element) and len(element) == 0:
        yield from _text_problems(element)
    elif kind in ("in", "out") and holder_kind == "callActivity":
        yield from _call_mapping_problems(element, holder, kind)
    elif kind in ("in", "out") and (kind, holder_kind) != SIGNAL_VARIABLES:
        where = holder.getparent() if holder_kind.endswith("EventDefinition") else holder
        problem = f"camunda:{kind} on a {holder_kind} is not supported"
        yield where, problem, "camunda:in/out on a call activity"


def _call_mapping_problems(element, call, kind: str) -> Iterator[tuple[Any, str, str]]:
    variables, source = element.get("variables"), element.get("source")
    expression, target = element.get("sourceExpression"), element.get("target")
    if element.get("businessKey") is not None:
        if kind == "out":
            yield call, "camunda:out with a businessKey is not supported", "camunda:in businessKey=..."
        return
    if variables is not None and variables != "all":
        yield call, f'camunda:{kind} variables="{variables}" is not supported', 'variables="all"'
    elif variables is None and not (source or expression):
        yield call, f"a camunda:{kind} names no source", "source, sourceExpression or variables"
    elif variables is None and not target:
        yield call, f"a camunda:{kind} names no target", "target, the variable's name where it goes"


def _text_problems(element) -> Iterator[tuple[Any, str, str]]:
    text = element.text or ""
    try:
        compile_for(text)
    except ExpressionError as error:
        problem = f"cannot read the camunda:{local(element.tag)} {text.strip()!r}: {error}"
        yield _activity(element), problem, "write a JUEL expression ${...} or plain text"


def _in_parameter(element) -> bool:
    parent = element.getparent()
    while parent is not None and parent.tag.startswith(C):
        if local(parent.tag) in ("inputParameter", "outputParameter"):
            return True
        parent = parent.getparent()
    return False


def _activity(element):
    current = element
    while current is not None and not (current.tag.startswith(B) and current.get("id")):
        current = current.getparent()
    return current if current is not None else element


# --- running it ----------------------------------------------------------------------


def value(task, stored: dict | None) -> Any:
    """Evaluate a stored parameter value for `task`: an expression or literal, a list, a map, or None."""
    if stored is None:
        return None
    if "list" in stored:
        return [value(task, item) for item in stored["list"]]
    if "map" in stored:
        return {key: value(task, item) for key, item in stored["map"]}
    return evaluate(task.workflow, task, stored["text"])


def enter(spec, my_task) -> None:
    """Give the activity its input parameters as locals, keeping what they shadow (once per activity)."""
    mapping = spec.extensions.get(IO)
    if mapping is None or SCOPE in my_task.internal_data:
        return
    outside = deepcopy(my_task.data)
    inputs = {p["name"]: value(my_task, p["value"]) for p in mapping["inputs"]}
    my_task.internal_data[SCOPE] = {"outside": outside, "locals": sorted(inputs)}
    my_task.data.update(inputs)


def add_locals(my_task, variables: dict) -> None:
    """Set `variables` as locals of the activity: they vanish when it ends (camunda:out local="true")."""
    scope = my_task.internal_data.setdefault(SCOPE, {"outside": deepcopy(my_task.data), "locals": []})
    scope["locals"] = sorted(set(scope["locals"]) | set(variables))
    my_task.data.update(deepcopy(variables))


def leave(spec, my_task) -> None:
    """Hand out what leaves the activity: its output parameters if it has any, else all but its locals."""
    scope = my_task.internal_data.pop(SCOPE, None)
    mapping = spec.extensions.get(IO)
    outputs = mapping["outputs"] if mapping else []
    if scope is None and not outputs:
        return
    scope = scope or {"outside": deepcopy(my_task.data), "locals": []}
    if outputs:
        results = {p["name"]: value(my_task, p["value"]) for p in outputs}
        my_task.data = {**scope["outside"], **results}
        return
    my_task.data = outside_view(my_task.data, scope)


def outside_view(data: dict, scope: dict) -> dict:
    """Return `data` as seen outside an activity: its locals left out, what they shadowed restored."""
    seen = {name: item for name, item in data.items() if name not in scope["locals"]}
    for name in scope["locals"]:
        if name in scope["outside"]:
            seen[name] = scope["outside"][name]
    return seen


def case_view(task) -> dict:
    """Return the variables of `task` that belong to the case (not the locals of its activity)."""
    scope = task.internal_data.get(SCOPE)
    return outside_view(task.data, scope) if scope else task.data


def set_outside(task, modifications: dict) -> None:
    """Apply a change of case variables to a task that has locals, as Camunda sets the outer variable."""
    scope = task.internal_data.get(SCOPE)
    if scope is None:
        task.data.update(modifications)
        return
    for name, item in modifications.items():
        scope["outside"][name] = deepcopy(item)
        if name not in scope["locals"]:
            task.data[name] = item


def call_locals(my_task) -> dict:
    """Return the call activity's own locals: its input parameters and multi-instance loop variables."""
    names = set((my_task.internal_data.get(SCOPE) or {}).get("locals", []))
    body = my_task.parent.task_spec if my_task.parent is not None else None
    if getattr(body, "task_spec", None) == my_task.task_spec.name:  # an instance of a multi-instance body
        element = body.extensions.get("camunda", {}).get("elementVariable")
        names |= {n for n in (element, *LOOP_LOCALS) if n}
    return {name: my_task.data[name] for name in sorted(names) if name in my_task.data}


def passed_in(my_task, rules: list[dict]) -> dict:
    """Return the variables a call activity's camunda:in mappings give the called process."""
    passed: dict[str, Any] = {}
    for rule in rules:
        source = call_locals(my_task) if rule["local"] else my_task.data
        if rule["all"]:
            passed.update(deepcopy(source))
        elif rule["sourceExpression"]:
            passed[rule["target"]] = deepcopy(evaluate(my_task.workflow, my_task, rule["sourceExpression"]))
        else:
            passed[rule["target"]] = deepcopy(source.get(rule["source"]))
    return passed


def pass_out(my_task, last, rules: list[dict]) -> None:
    """Write into the call activity what its camunda:out mappings take from the ended called process."""
    for rule in rules:
        if rule["all"]:
            given = deepcopy(last.data)
        elif rule["sourceExpression"]:
            given = {rule["target"]: deepcopy(evaluate(last.workflow, last, rule["sourceExpression"]))}
        else:
            given = {rule["target"]: deepcopy(last.data.get(rule["source"]))}
        if rule["local"]:
            add_locals(my_task, given)
        else:
            my_task.data.update(given)


class VariableScope:
    """Activity spec mixin: input parameters as locals on entry; outputs (or all but locals) on leaving."""

    def _update_hook(self, my_task):
        ready = super()._update_hook(my_task)
        if ready:
            enter(self, my_task)
        return ready

    def start_workflow(self, my_task):  # a sub-process or call activity starts its process on entry
        enter(self, my_task)
        super().start_workflow(my_task)

    def _on_complete_hook(self, my_task):
        leave(self, my_task)
        super()._on_complete_hook(my_task)


MAPPED: dict[type, type] = {}  # activity spec class -> the class that also maps variables


def mapped(spec_class: type) -> type:
    """Return `spec_class` with variable mappings (made once per class, so states restore by its name)."""
    if issubclass(spec_class, VariableScope):
        return spec_class
    if spec_class not in MAPPED:
        MAPPED[spec_class] = type(f"Mapped{spec_class.__name__}", (VariableScope, spec_class), {})
    return MAPPED[spec_class]


class MappingsParser:
    """Parser mixin: keep an activity's input/output parameters in its spec, and map them when it runs."""

    def create_task(self):
        if self.node.find(f"{B}extensionElements/{C}inputOutput") is not None:
            self.spec_class = mapped(self.spec_class)
        return super().create_task()

    def parse_extensions(self, node=None):
        extensions = dict(super().parse_extensions(node) or {})
        element = node if node is not None else self.node
        found = read_input_output(element)
        if found is not None:
            extensions[IO] = found
        if local(element.tag) == "callActivity":
            extensions[CALLS] = read_call_mappings(element)
        return extensions
