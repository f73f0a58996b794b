"""A digest of where a case stands, recorded after every command so replay can compare."""

from __future__ import annotations

import hashlib
import json

from SpiffWorkflow.util.task import TaskState

from engine.runtime.waits import live_tasks


def state_summary(workflow) -> dict:
    """Return the elements the case waits in and a digest of their data and the case's data."""
    live = [
        (t.task_spec.bpmn_id, TaskState.get_name(t.state), _canonical(t.data))
        for t in live_tasks(workflow)
        if getattr(t.task_spec, "bpmn_id", None)
    ]
    live.sort()
    document = {"live": live, "data": _canonical(workflow.data), "completed": workflow.completed}
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return {"waiting": sorted({element for element, _, _ in live}), "state_digest": digest}


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
