"""One variable scope per process instance, as in Camunda 7, over SpiffWorkflow's per-task copies.

SpiffWorkflow gives every task its own copy of the variables. Camunda has one scope per
process instance: what a task in one parallel branch writes, a task waiting in another
branch sees at once. After every command (and every replayed step) `share` takes each
process instance of the case — the case itself, and each process a call activity called —
finds what the command changed in any of its live tasks (set or removed, compared with the
variables `snapshot` read before the command) and writes the result into all of them, so
every waiting task, timer, boundary event and branch reads the same variables. Only a task
that was live before can remove a variable: a task the command created holds a copy made
wherever SpiffWorkflow made it (an event sub-process starts from the data its start event
had when the case began), so what it lacks was never removed. A waiting event takes its
parent's copy again when it fires (and a timer at every engine step): the finished parents
of the waiting tasks get the shared variables too, or the event would bring back old values.

Local variables stay where Camunda has them: an activity's input parameters
(`mappings`), a multi-instance instance's element variable and loop counters; they are
neither shared nor overwritten. A called process is a scope of its own: it gets and gives
only what its call activity's `camunda:in` / `out` map.

Processes deployed before this rule keep the per-branch copies their cases ran with (so a
replay of their history gives the same states): a definition's stored spec says which rule
its cases follow (`SINGLE_SCOPE`).
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any

from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from engine.dialect.constructs.calls import BoundCallActivity
from engine.dialect.constructs.compensation import CompensationJoin
from engine.dialect.constructs.mappings import SCOPE, outside_view
from engine.dialect.constructs.multi_instance import LOOP_VARIABLES, CamundaMultiInstance

SINGLE_SCOPE = "variable_scope"  # key of a stored definition spec: "process-instance"
ATTRIBUTE = "licflow_single_scope"  # set on the specs loaded from such a definition
LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
TOP = "case"
ARRIVED = "arrived"  # in a snapshot: the joins whose arrived branch was already counted
KNOWN = "known"  # in a snapshot: the live tasks, the only ones whose missing variables were removed


def mark(specs, single: bool) -> None:
    """Say of loaded process specs whether their cases share one scope per process instance."""
    for spec in specs:
        setattr(spec, ATTRIBUTE, single)


def snapshot(workflow) -> dict[str, Any]:
    """Return each process instance's variables as its live tasks hold them now (before a command).

    A branch waiting at a join holds its variables in the task that arrived there; what it
    wrote counts once, in the command it arrived in (`ARRIVED` keeps those already counted).
    """
    found: dict[str, Any] = {ARRIVED: [], KNOWN: []}
    for key, (_, tasks, arrivals) in _instances(workflow).items():
        found[KNOWN].extend(str(task.id) for task in tasks)
        variables: dict[str, Any] = {}
        for join in arrivals:
            variables.update(_shared_view(join.parent, local_names(join.parent)))
            found[ARRIVED].append(str(join.id))
        for task in sorted(tasks, key=lambda t: t.last_state_change):
            variables.update(_shared_view(task, local_names(task)))
        found[key] = deepcopy(variables)
    return found


def share(workflow, before: dict[str, Any]) -> None:
    """Write what the command changed into every live task of each process instance that shares one scope."""
    counted = set(before.get(ARRIVED, ()))
    known = set(before.get(KNOWN, ()))
    for key, (spec, tasks, arrivals) in _instances(workflow).items():
        if not getattr(spec, ATTRIBUTE, False):
            continue
        old = before.get(key, {})
        new = dict(old)
        ordered = sorted(tasks, key=lambda t: t.last_state_change)
        names = {id(t): local_names(t) for t in ordered}
        views = [
            (_shared_view(j.parent, local_names(j.parent)), local_names(j.parent), str(j.parent.id) in known)
            for j in arrivals
            if str(j.id) not in counted
        ]
        views += [(_shared_view(t, names[id(t)]), names[id(t)], str(t.id) in known) for t in ordered]
        for seen, around, was_live in views:
            for name, value in seen.items():
                if name not in old or old[name] != value:
                    new[name] = value
            if was_live:  # a task made by this command holds a copy: what it lacks was not removed
                for name in set(old) - set(seen) - around:
                    new.pop(name, None)
        for task in ordered:
            _write(task, new, names[id(task)])
        for source in _inherited_from(ordered):
            _write(source, new, local_names(source))


def _inherited_from(tasks: list) -> list:
    """Return the finished tasks whose copy a waiting task of `tasks` takes again when its event comes.

    SpiffWorkflow merges a catching event's parent's data over the event's own when it fires
    (a message, a timer, a signal, a condition, a boundary event listening again): the parent
    finished when the wait began, so its copy must hold the scope too, or the event would
    bring back the values the variables had then.
    """
    live = {id(task) for task in tasks}
    found: dict[int, Any] = {}
    for task in tasks:
        parent = task.parent
        if task.has_state(TaskState.WAITING) and parent is not None and id(parent) not in live:
            found.setdefault(id(parent), parent)
    return list(found.values())


def sources_of_waits(workflow) -> list:
    """Return the finished tasks the waiting events of the case's one-scope instances inherit from.

    A change of variables by a command (PUT/POST .../variables) goes there as well as into
    the live tasks: a waiting timer takes its parent's copy again at every engine step.
    """
    found: list = []
    for spec, tasks, _ in _instances(workflow).values():
        if getattr(spec, ATTRIBUTE, False):
            found.extend(_inherited_from(tasks))
    return found


def sharing(workflow, before: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """Return a function sharing what changed since its last call (`before` first); it gives the snapshot."""
    last = [before]

    def share_now() -> dict[str, Any]:
        share(workflow, last[0])
        last[0] = snapshot(workflow)
        return last[0]

    return share_now


def case_scope(workflow) -> dict[str, Any] | None:
    """Return the case's variables if it shares one scope (None if its process predates the rule).

    A running case's variables are those its live tasks share, then (over them) those of the
    processes it called and waits in, as a case's pages and deadlines read them; an ended
    case's are those its process ended with.
    """
    if not getattr(workflow.spec, ATTRIBUTE, False):
        return None
    if not workflow.completed:
        found = snapshot(workflow)
        merged = dict(found.get(TOP, {}))
        for key, variables in found.items():
            if key not in (TOP, ARRIVED, KNOWN):
                merged.update(variables)
        return merged
    # the process's last task ("End", after the EndJoin): what its end listeners wrote is there too
    end = "End" if "End" in workflow.spec.task_specs else workflow.spec.end.name
    ends = [t for t in workflow.get_tasks(spec_name=end) if t.workflow is workflow]
    return deepcopy(ends[-1].data) if ends else {}


def live_tasks(workflow) -> list:
    """Return the case's ready, started and waiting tasks, its sub-processes' included, in no set order.

    The same tasks as `workflow.get_tasks(state=LIVE)` (a sub-process whose task finished
    is not looked into), read from the task tables rather than by walking the tree,
    which costs a command several times more.
    """
    found: list = []
    subprocesses = workflow.subprocesses
    pending = [workflow]
    while pending:
        tasks = pending.pop().tasks
        for task in tasks.values():
            if task.state & LIVE:
                found.append(task)
            if task.id in subprocesses and not task.state & TaskState.FINISHED_MASK:
                pending.append(subprocesses[task.id])
    return found


def _instances(workflow) -> dict[str, tuple[Any, list]]:
    """Group the live tasks of the case by the process instance they run in: (spec, tasks, waiting joins)."""
    top = workflow.top_workflow if hasattr(workflow, "top_workflow") else workflow
    groups: dict[str, tuple[Any, list, list]] = {}
    for task in live_tasks(top):
        owner = _called_workflow(task)
        key = TOP if owner is None else str(owner.parent_task_id)
        spec = top.spec if owner is None else owner.spec
        group = groups.setdefault(key, (spec, [], []))
        if isinstance(task.task_spec, Join | CompensationJoin) and task.has_state(TaskState.WAITING):
            group[2].append(task)  # a join holds no variables until merged (gateways.merge_branches)
        else:
            group[1].append(task)
    for _, _, arrivals in groups.values():
        arrivals.sort(key=lambda t: t.last_state_change)
    return groups


def _called_workflow(task):
    """Return the called process's workflow `task` runs in, or None when it runs in the case itself."""
    workflow = task.workflow
    top = workflow.top_workflow
    while workflow is not top:
        caller = top.get_task_from_id(workflow.parent_task_id)
        if isinstance(caller.task_spec, BoundCallActivity):
            return workflow
        workflow = caller.workflow
    return None


def local_names(task) -> set[str]:
    """Return the names local to where `task` stands: input parameters and loop variables around it."""
    names: set[str] = set()
    current = task
    top = task.workflow.top_workflow
    while True:
        scope = current.internal_data.get(SCOPE)
        if scope:
            names |= set(scope["locals"])
        names |= _loop_names(current)
        if current.workflow is top:
            return names
        caller = top.get_task_from_id(current.workflow.parent_task_id)
        if isinstance(caller.task_spec, BoundCallActivity):
            return names  # a called process's variables are its own scope
        current = caller


def _loop_names(task) -> set[str]:
    body = task.task_spec if isinstance(task.task_spec, CamundaMultiInstance) else None
    parent = task.parent
    instance = parent is not None and isinstance(parent.task_spec, CamundaMultiInstance)
    if body is None and instance and parent.task_spec.task_spec == task.task_spec.name:
        body = parent.task_spec
    if body is None:
        return set()
    return {n for n in (body.element_variable, *LOOP_VARIABLES) if n}


def _shared_view(task, names: set[str]) -> dict[str, Any]:
    """Return the variables of `task` outside its locals: its own inputs' shadowed values restored."""
    scope = task.internal_data.get(SCOPE)
    if scope is None:
        return {name: value for name, value in task.data.items() if name not in names}
    around = names - set(scope["locals"])
    data = outside_view(task.data, scope)
    return {name: value for name, value in data.items() if name not in around}


def _write(task, variables: dict[str, Any], names: set[str]) -> None:
    """Give `task` the shared variables, leaving its locals and those of the activities around it."""
    scope = task.internal_data.get(SCOPE)
    around = names - set(scope["locals"]) if scope else names
    for name in [n for n in task.data if n not in names and n not in variables]:
        del task.data[name]
    for name, value in variables.items():
        if name not in names and (name not in task.data or task.data[name] != value):
            task.data[name] = deepcopy(value)  # only what differs: most tasks already hold the rest
    if scope is not None:
        outside = scope["outside"]
        for name in [n for n in outside if n not in variables and n not in around]:
            del outside[name]
        for name, value in variables.items():
            if name not in around and (name not in outside or outside[name] != value):
                outside[name] = deepcopy(value)
