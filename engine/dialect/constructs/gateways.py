"""Parallel and inclusive joins that merge what each branch changed, not each branch's whole copy.

SpiffWorkflow gives every branch a copy of the case's variables and, at a join, lays the
branches' copies over each other: a branch that did not touch a variable still carries
the value from before the fork, and if it arrives last it undoes what another branch
wrote. Camunda has one scope, so a variable written in a branch is there after the join.
These joins take the variables as they were at the fork and apply each branch's changes
in the order the branches arrived.
"""

from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.task_spec import (
    ConditionalGatewayConverter,
    ParallelGatewayConverter,
)
from SpiffWorkflow.bpmn.specs.defaults import InclusiveGateway, ParallelGateway
from SpiffWorkflow.util.task import TaskState


class BranchMergingParallelGateway(ParallelGateway):
    """A parallel gateway whose join merges the changes of its branches."""

    def _run_hook(self, my_task):
        merge_branches(self, my_task)
        return True


class BranchMergingInclusiveGateway(InclusiveGateway):
    """An inclusive gateway whose join merges the changes of its branches, then splits as BPMN says."""

    def _run_hook(self, my_task):
        merge_branches(self, my_task)
        matches, defaults = self._get_matching_outputs(my_task)
        if len(matches + defaults) == 0:
            raise WorkflowTaskException("No conditions satisfied on gateway", task=my_task)
        my_task._sync_children(matches or defaults, TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True


def merge_branches(spec, my_task) -> None:
    """Give the join the variables at the fork with each arrived branch's changes applied, in order."""
    arrived = sorted(
        (
            t
            for t in my_task.workflow.tasks.values()
            if t.task_spec == spec
            and t.has_state(TaskState.FINISHED_MASK)
            and not my_task.is_descendant_of(t)
        ),
        key=lambda t: t.last_state_change,
    )
    branches = [t.parent for t in arrived] + [my_task.parent]
    merged = with_changes_of(_common_ancestor(branches).data, branches)
    for task in arrived:
        if task.has_state(TaskState.COMPLETED):
            task._drop_children(force=True)
    my_task.data = merged


def with_changes_of(base: dict, branches: list) -> dict:
    """Return `base` with each branch's changes against it applied, in the order given (set and removed)."""
    merged = deepcopy(base)
    for branch in branches:
        for name, value in branch.data.items():
            if name not in base or base[name] != value:
                merged[name] = deepcopy(value)
        for name in set(base) - set(branch.data):
            merged.pop(name, None)
    return merged


def _common_ancestor(tasks: list):
    """Return the nearest task all `tasks` descend from (or are)."""
    chains = []
    for task in tasks:
        chain, current = [], task
        while current is not None:
            chain.append(current)
            current = current.parent
        chains.append(chain)
    shared = set.intersection(*({t.id for t in chain} for chain in chains))
    return next(t for t in chains[0] if t.id in shared)


CONVERTERS = {
    BranchMergingParallelGateway: ParallelGatewayConverter,
    BranchMergingInclusiveGateway: ConditionalGatewayConverter,
}
