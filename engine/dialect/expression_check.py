"""Read every expression of a diagram at deploy, so that nothing deploys to fail later.

Walks a BPMN document and compiles, as JUEL, every text Camunda 7 evaluates: sequence-flow
conditions, multi-instance cardinality, collection and completion condition, timer definitions,
`camunda:dueDate`, `followUpDate`, `assignee`, `candidateUsers`, `candidateGroups`, `topic`,
`calledElement`, input/output parameters, `camunda:in`/`camunda:out` source expressions,
listeners of type expression, form field defaults; and, as their language reads them, scripts
inside listeners and parameters. A timer written as plain text (`PT10M`) must be a definition
Camunda reads. A condition must be an expression (`${...}`): plain text is never true or false.
Each problem names the file, the element, where in it, the text and the position.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from engine.dialect.expressions import compile_for, compiled_script
from engine.dialect.juel import ExpressionError
from engine.dialect.scripts import ScriptError
from engine.dialect.timers import TimerDefinitionError, schedule_for
from engine.errors import InvalidDiagram

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
CONDITIONS = ("conditionExpression", "completionCondition", "condition")
TIMERS = ("timeDate", "timeDuration", "timeCycle")
EXPRESSION_ATTRIBUTES = (
    (CAMUNDA, "dueDate"),
    (CAMUNDA, "followUpDate"),
    (CAMUNDA, "assignee"),
    (CAMUNDA, "candidateUsers"),
    (CAMUNDA, "candidateGroups"),
    (CAMUNDA, "topic"),
    (CAMUNDA, "collection"),
    (CAMUNDA, "expression"),
    (CAMUNDA, "sourceExpression"),
    (CAMUNDA, "defaultValue"),
    (CAMUNDA, "priority"),
    ("", "calledElement"),
)
LISTENERS = (f"{CAMUNDA}executionListener", f"{CAMUNDA}taskListener")
INNER_ELEMENTS = ("multiInstanceLoopCharacteristics", "conditionExpression")
TEXT_ELEMENTS = (f"{BPMN}loopCardinality", f"{CAMUNDA}inputParameter", f"{CAMUNDA}outputParameter")


def check_expressions(root, file_name: str) -> None:
    """Raise InvalidDiagram naming every expression, timer or script of `root` that cannot be read."""
    problems = [f"{file_name}: {problem}" for problem in _problems(root)]
    if problems:
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InvalidDiagram("; ".join(problems[:20]) + more)


def _problems(root) -> Iterator[str]:
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = node.tag.rsplit("}", 1)[-1]
        if node.tag.startswith(BPMN) and local in CONDITIONS:
            yield from _condition(node, local)
        elif node.tag.startswith(BPMN) and local in TIMERS:
            yield from _timer(node, local)
        elif node.tag in TEXT_ELEMENTS and _is_plain(node):
            yield from _expression(node, node.tag.rsplit("}", 1)[-1], node.text or "")
        elif node.tag == f"{CAMUNDA}script":
            yield from _script(node)
        elif node.tag in LISTENERS and node.get("expression") is not None:
            yield from _expression(
                node, f"the {node.get('event')} listener's expression", node.get("expression")
            )
        for namespace, attribute in EXPRESSION_ATTRIBUTES:
            value = node.get(f"{namespace}{attribute}" if namespace else attribute)
            if value is not None and (attribute != "calledElement" or "{" in value):
                yield from _expression(node, attribute, value)


def _condition(node, local: str) -> Iterator[str]:
    text = (node.text or "").strip()
    if node.get("language") not in (None, "", "juel", "JUEL"):
        yield from _script(node)
        return
    if text and "${" not in text and "#{" not in text:
        yield f"{_where(node)}: the {local} {text!r} is plain text, not an expression; write ${{{text}}}"
        return
    yield from _expression(node, local, text)


def _timer(node, kind: str) -> Iterator[str]:
    text = (node.text or "").strip()
    try:
        expression = compile_for(text)
    except ExpressionError as error:
        yield f"{_where(node)}: cannot read the {kind} {text!r}: {error}"
        return
    if expression.is_literal:
        try:
            schedule_for(kind, text, zone=UTC)  # a literal's form reads alike in any zone
        except TimerDefinitionError as error:
            yield f"{_where(node)}: {error}"


def _expression(node, where: str, text: str) -> Iterator[str]:
    try:
        compile_for(text)
    except ExpressionError as error:
        yield f"{_where(node)}: cannot read {where} {text.strip()!r}: {error}"


def _script(node) -> Iterator[str]:
    language = node.get("scriptFormat") or node.get("language")
    try:
        compiled_script(language, node.text or "", _owner_id(node))
    except ScriptError as error:
        yield f"{_where(node)}: {error}"


def _is_plain(node) -> bool:
    return len(node) == 0  # a parameter holding a script, list or map is read through its children


def _owner(node):
    """Return the element an analyst sees in the Modeler: not an event definition or loop inside it."""
    while node is not None and (node.get("id") is None or _is_inner(node)):
        node = node.getparent()
    return node


def _is_inner(node) -> bool:
    local = node.tag.rsplit("}", 1)[-1]
    return local.endswith("EventDefinition") or local in INNER_ELEMENTS


def _owner_id(node) -> str:
    owner = _owner(node)
    return owner.get("id") if owner is not None else "?"


def _where(node) -> str:
    owner = _owner(node)
    if owner is None:
        return "the diagram"
    kind = owner.tag.rsplit("}", 1)[-1]
    name = owner.get("name")
    return f"{kind} {owner.get('id')}" + (f" ({name})" if name else "")
