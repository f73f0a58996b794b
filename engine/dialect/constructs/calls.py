"""Call activities resolved when they start, as Camunda 7 resolves them: `camunda:calledElementBinding`.

`latest` (the default) calls the newest version of the called process at that moment,
`version` the version `camunda:calledElementVersion` names, `deployment` the one deployed
with the caller. `calledElement` may be an expression (`${key}`). The runtime gives the
workflow a resolver (`called_processes`) that finds the definition and adds its specs;
the call activity's task remembers the spec it called, so a reloaded case finds it again.
What passes between the caller and the called process is `mappings`' `camunda:in` / `out`.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnSubWorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import CallActivity

from engine.dialect.constructs import mappings
from engine.dialect.expressions import CALLED_BUSINESS_KEY, evaluate

CALLED = "called"  # internal data of a call activity's task: the spec name it called


class BoundCallActivity(mappings.VariableScope, CallActivity):
    """A call activity that finds the process it calls when it starts, by its binding, and maps variables."""

    def start_workflow(self, my_task):
        mappings.enter(self, my_task)
        top = my_task.workflow.top_workflow
        name = my_task.internal_data.get(CALLED) or self._bind(my_task)
        my_task.internal_data[CALLED] = name
        subworkflow = top.create_subprocess(my_task, name)
        subworkflow.completed_event.connect(self._on_subworkflow_completed, my_task)
        self.copy_data(my_task, subworkflow)
        start = subworkflow.get_next_task(spec_name="Start")
        start.run()

    def copy_data(self, my_task, subworkflow):
        calls = self.extensions.get(mappings.CALLS)
        if calls is None:  # deployed before licflow read camunda:in: every variable passes
            return super().copy_data(my_task, subworkflow)
        start = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="Start")
        start.set_data(**mappings.passed_in(my_task, calls["in"]))
        key = calls.get("businessKey")
        business_key = evaluate(my_task.workflow, my_task, key) if key else None
        my_task.internal_data[CALLED_BUSINESS_KEY] = None if business_key is None else str(business_key)

    def update_data(self, my_task, subworkflow):
        calls = self.extensions.get(mappings.CALLS)
        if calls is None:  # deployed before licflow read camunda:out: every variable comes back
            return super().update_data(my_task, subworkflow)
        mappings.pass_out(my_task, subworkflow.last_task, calls["out"])

    def _bind(self, my_task) -> str:
        camunda = self.extensions.get("camunda", {})
        key = self.spec
        if "${" in key:
            key = str(evaluate(my_task.workflow, my_task, key))
        binding = camunda.get("calledElementBinding", "latest")
        version = camunda.get("calledElementVersion")
        resolver = getattr(my_task.workflow.top_workflow, "called_processes", None)
        try:
            if resolver is not None:
                return resolver.bind(my_task, key, binding, int(version) if version else None)
            if key in my_task.workflow.top_workflow.subprocess_specs:
                return key
            raise LookupError(f"the called process {key!r} was not found")
        except LookupError as error:
            my_task.error()
            raise WorkflowTaskException(f"{self.bpmn_id}: {error.args[0]}", task=my_task) from error


class BoundSubWorkflowConverter(BpmnSubWorkflowConverter):
    """Restore a called process with the spec its call activity bound, not the one its key names."""

    def from_dict(self, dct, task, top_workflow):
        name = task.internal_data.get(CALLED, task.task_spec.spec)
        spec = top_workflow.subprocess_specs.get(name)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        subprocess.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=subprocess)
        subprocess.task_tree = subprocess.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(subprocess, dct)
        return subprocess


def _uuid(value):
    from uuid import UUID

    return UUID(value)
