"""Find the process a call activity calls, by its binding, and give the case the specs that process needs.

`latest` and `version` bindings look the called process up among the deployed
definitions when the call activity starts, so a process deployed in a separate
deployment (Camunda Modeler deploys one file at a time) is found; `deployment` takes
the one deployed together with the caller. The called definition's specs are added to
the case under `<key>@<definition id>`; its embedded sub-processes keep their ids. Each
binding is written to the case's history (`call_bound`), so that a replay calls the
same versions, and to the call activity's task, so that a reloaded case finds them.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.definitions import latest_definition, specs_of
from engine.runtime.history import SYSTEM
from store.models import ProcessDefinition

BINDING = "called_binding"  # internal data of a call activity's task: how it was bound


class CalledProcesses:
    """The resolver a case's workflow asks when a call activity starts."""

    def __init__(self, session: Session, definition: ProcessDefinition, history=None, recorded=None) -> None:
        self.session = session
        self.definition = definition
        self.history = history
        self.recorded = recorded  # replay: element id -> deque of recorded bindings

    def bind(self, my_task, key: str, binding: str, version: int | None) -> str:
        """Return the spec name the call activity of `my_task` calls, adding its specs to the case."""
        top = my_task.workflow.top_workflow
        caller = caller_definition(my_task, self.definition.id)
        recorded = self._recorded(my_task)
        if recorded is not None:
            bound = recorded
        elif binding == "deployment":
            bound = {"key": key, "definition": None, "from": caller, "deployment": True}
        else:
            found = self._definition(key, binding, version)
            bound = {"key": key, "definition": found.id, "from": caller, "deployment": False}
        name = add_binding(self.session, top, self.definition.id, bound)
        my_task.internal_data[BINDING] = bound
        if self.history is not None:
            self.history.append("call_bound", SYSTEM, my_task.task_spec.bpmn_id, binding=binding, **bound)
        return name

    def _definition(self, key: str, binding: str, version: int | None) -> ProcessDefinition:
        if binding == "version":
            found = self.session.scalars(
                select(ProcessDefinition).where(
                    ProcessDefinition.key == key, ProcessDefinition.version == version
                )
            ).first()
            if found is None:
                raise LookupError(f"version {version} of the called process {key!r} is not deployed")
            return found
        found = latest_definition(self.session, key)
        if found is None:
            raise LookupError(f"the called process {key!r} is not deployed")
        return found

    def _recorded(self, my_task) -> dict | None:
        if self.recorded is None:
            return None
        queue = self.recorded.get(my_task.task_spec.bpmn_id)
        return queue.popleft() if queue else None


def recorded_bindings(events: list) -> dict[str, deque]:
    """Return the bindings a case's history recorded, per call activity, in order."""
    found: dict[str, deque] = defaultdict(deque)
    for event in events:
        if event.kind == "call_bound":
            data = dict(event.data)
            data.pop("binding", None)
            found[event.element_id].append(data)
    return found


def caller_definition(my_task, case_definition_id: int) -> int:
    """Return the definition whose process holds `my_task`: a bound called process's, or the case's."""
    workflow, top = my_task.workflow, my_task.workflow.top_workflow
    while workflow is not top:
        parent = top.get_task_from_id(workflow.parent_task_id)
        bound = parent.internal_data.get(BINDING)
        if bound is not None:
            return bound["definition"] if not bound["deployment"] else bound["from"]
        workflow = parent.workflow
    return case_definition_id


def add_binding(session: Session, top, case_definition_id: int, bound: dict) -> str:
    """Add the specs of one binding to the case's workflow; return the name its call activity uses."""
    key = bound["key"]
    if bound["deployment"]:
        if bound["from"] == case_definition_id:
            if key not in top.subprocess_specs:
                raise LookupError(f"the called process {key!r} was not deployed with its caller")
            return key
        _, deployed = specs_of(session.get(ProcessDefinition, bound["from"]))
        if key not in deployed:
            raise LookupError(f"the called process {key!r} was not deployed with its caller")
        name = f"{key}@{bound['from']}/deployment"
        top.subprocess_specs[name] = deployed[key]
        return name
    definition = session.get(ProcessDefinition, bound["definition"])
    spec, subprocess_specs = specs_of(definition)
    name = f"{key}@{definition.id}"
    top.subprocess_specs[name] = spec
    for sub_name, sub_spec in subprocess_specs.items():
        existing = top.subprocess_specs.get(sub_name)
        if existing is None:
            top.subprocess_specs[sub_name] = sub_spec
        elif existing is not sub_spec and _serialized(existing) != _serialized(sub_spec):
            raise LookupError(
                f"the called process {key!r} and its caller both hold a sub-process or called process "
                f"{sub_name!r} that differ; rename one of them"
            )
    return name


@lru_cache(maxsize=1024)  # specs are shared and never change once parsed
def _serialized(spec) -> str:
    from engine.runtime.serializer import SERIALIZER

    return json.dumps(SERIALIZER.to_dict(spec), sort_keys=True, default=str)


def specs_for_state(session: Session, definition: ProcessDefinition, state: str) -> dict[str, Any]:
    """Return the specs a stored case needs: its definition's and those of the processes it called."""
    _, subprocess_specs = specs_of(definition)
    specs = dict(subprocess_specs)
    if f'"{BINDING}"' not in state:
        return specs

    class _Top:
        subprocess_specs = specs

    for bound in _bindings_in(json.loads(state)):
        add_binding(session, _Top, definition.id, bound)
    return specs


def _bindings_in(value) -> list[dict]:
    """Return every binding recorded in a serialized case, parents before the processes they called."""
    found = []
    if isinstance(value, dict):
        bound = (
            value.get("internal_data", {}).get(BINDING)
            if isinstance(value.get("internal_data"), dict)
            else None
        )
        if bound is not None:
            found.append(bound)
        for item in value.values():
            found.extend(_bindings_in(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_bindings_in(item))
    return found
