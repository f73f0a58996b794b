"""Multi-instance activities as Camunda 7 runs them: `camunda:collection`, `elementVariable`, loop variables.

One instance per item of the collection (an expression `${items}` or the name of a
variable) or per count of `loopCardinality`, all at once (parallel) or one after the
other (sequential). Each instance sees, as its own variables, the element variable,
`loopCounter`, `nrOfInstances`, `nrOfActiveInstances` and `nrOfCompletedInstances`;
the completion condition reads them after each instance completes, and once it holds
the instances still running are cancelled. What an instance writes besides those goes
to the case; the loop variables do not, and a variable they shadowed keeps its value.
Camunda collects no output collection, and neither does licflow.
"""

from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

from engine.dialect.constructs.vocabulary import B, C
from engine.dialect.expressions import evaluate

LOOP_VARIABLES = ("loopCounter", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances")


class CamundaMultiInstance(LoopTask, BpmnSpecMixin):
    """The multi-instance body around an activity; the activity itself is the spec named `task_spec`."""

    sequential = False

    def __init__(self, wf_spec, bpmn_id, task_spec, cardinality=None, condition=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.task_spec = task_spec
        self.cardinality = cardinality
        self.condition = condition

    @property
    def element_variable(self) -> str | None:
        return self.extensions.get("camunda", {}).get("elementVariable")

    def _update_hook(self, my_task):
        if "instances" in my_task.internal_data:
            return False  # already running its instances
        TaskSpec._update_hook(self, my_task)
        items = self._items(my_task)
        names = [n for n in (self.element_variable, *LOOP_VARIABLES) if n]
        shadowed = {n: my_task.data.pop(n) for n in names if n in my_task.data}
        my_task.internal_data.update(
            instances=len(items), items=items, completed=0, created=0, shadowed=shadowed, merged=[]
        )
        if not items:
            return True
        my_task._set_state(TaskState.STARTED)
        for _ in range(1 if self.sequential else len(items)):
            self._add_instance(my_task)

    def _items(self, my_task) -> list:
        collection = self.extensions.get("camunda", {}).get("collection")
        try:
            if collection:
                value = _value(my_task, collection) if "${" in collection else my_task.data[collection]
                if not isinstance(value, (list, tuple)):
                    raise TypeError(f"the collection {collection!r} is {type(value).__name__}, not a list")
                return list(value)
            return [None] * int(_value(my_task, self.cardinality))
        except Exception as error:  # the diagram's collection or cardinality, not licflow, is at fault
            raise WorkflowTaskException(f"{self.bpmn_id}: {error}", task=my_task, exception=error) from error

    def _add_instance(self, my_task) -> None:
        loop = my_task.internal_data
        index = loop["created"]
        loop["created"] += 1
        loop["base"] = deepcopy(my_task.data)  # what the instance starts from; its changes are merged back
        body = my_task.workflow.spec.task_specs[self.task_spec]
        child = my_task._add_child(body, TaskState.WAITING)
        child.triggered = True
        child.data = deepcopy(my_task.data)
        child.data.update(self._loop_variables(my_task, index))
        body._update(child)

    def _loop_variables(self, my_task, index: int) -> dict:
        loop = my_task.internal_data
        variables = {"loopCounter": index, **self._counts(my_task)}
        if self.element_variable:
            variables[self.element_variable] = deepcopy(loop["items"][index])
        return variables

    def _counts(self, my_task) -> dict:
        loop = my_task.internal_data
        active = 1 if self.sequential else loop["created"] - loop["completed"]
        return {
            "nrOfInstances": loop["instances"],
            "nrOfActiveInstances": active,
            "nrOfCompletedInstances": loop["completed"],
        }

    def merge_child(self, workflow, child):
        """Take in what a finished instance wrote; finish, or start the next instance."""
        my_task = child.parent
        loop = my_task.internal_data
        loop["completed"] += 1
        loop["merged"].append(str(child.id))
        child.data.update(self._counts(my_task))
        done = self.condition is not None and bool(_value(child, self.condition))
        self._merge(my_task, child)
        if done:
            for instance in self._instances(my_task):
                if not instance.has_state(TaskState.FINISHED_MASK):
                    instance.cancel()
        if done or loop["completed"] >= loop["instances"]:
            my_task._set_state(TaskState.READY)
        elif self.sequential:
            self._add_instance(my_task)

    def _merge(self, my_task, child) -> None:
        """Write to the case what the instance changed, leaving out its loop variables."""
        base = my_task.internal_data["base"]
        local = {n for n in (self.element_variable, *LOOP_VARIABLES) if n}
        for name, value in child.data.items():
            if name not in local and (name not in base or base[name] != value):
                my_task.data[name] = deepcopy(value)
        for name in set(base) - set(child.data) - local:
            my_task.data.pop(name, None)
        for name in local:  # the finished instance keeps no loop variables that could be read as the case's
            child.data.pop(name, None)

    def _run_hook(self, my_task):
        for name in (self.element_variable, *LOOP_VARIABLES):
            if name:
                my_task.data.pop(name, None)
        my_task.data.update(my_task.internal_data.get("shadowed", {}))
        return True


class ParallelCamundaMultiInstance(CamundaMultiInstance):
    """All instances at once."""


class SequentialCamundaMultiInstance(CamundaMultiInstance):
    """One instance after the other."""

    sequential = True


def _value(task, text: str):
    """Evaluate `${...}`; a literal (e.g. a cardinality of 3) is taken as written, as JUEL reads it."""
    text = (text or "").strip()
    return evaluate(task.workflow, task, text) if "${" in text else text


class MultiInstanceParser:
    """Parse `multiInstanceLoopCharacteristics` into a Camunda multi-instance body."""

    def _add_multiinstance_task(self, loop_characteristics):
        sequential = loop_characteristics.get("isSequential") == "true"
        cardinality = loop_characteristics.find(f"{B}loopCardinality")
        condition = loop_characteristics.find(f"{B}completionCondition")
        camunda = {
            name: loop_characteristics.get(f"{C}{name}")
            for name in ("collection", "elementVariable")
            if loop_characteristics.get(f"{C}{name}")
        }
        original = self.spec.task_specs.pop(self.task.name)
        kind = SequentialCamundaMultiInstance if sequential else ParallelCamundaMultiInstance
        attributes = {**self.bpmn_attributes, "description": "Multi-instance"}
        self.task = kind(
            self.spec,
            original.name,
            task_spec="",
            cardinality=cardinality.text if cardinality is not None else None,
            condition=condition.text if condition is not None else None,
            **attributes,
        )
        self.task.extensions = {"camunda": camunda}
        self._copy_task_attrs(original, loop_characteristics)


class MultiInstanceConverter(BpmnTaskSpecConverter):
    """Serialize a Camunda multi-instance body with its activity, cardinality and condition."""

    def to_dict(self, spec):
        dct = self.get_default_attributes(spec)
        dct.update(task_spec=spec.task_spec, cardinality=spec.cardinality, condition=spec.condition)
        return dct


CONVERTERS = {
    ParallelCamundaMultiInstance: MultiInstanceConverter,
    SequentialCamundaMultiInstance: MultiInstanceConverter,
}
