"""A task listener's script sees `task` and `execution.eventName`, and changes only the assignee."""

from __future__ import annotations

import pytest

from engine.dialect.scripts import ScriptFailed, ScriptRefused, compile_script


def _facts(assignee=None) -> dict:
    return {
        "id": "t1",
        "name": "Review",
        "assignee": assignee,
        "eventName": "create",
        "taskDefinitionKey": "review",
    }


@pytest.mark.parametrize(
    ("language", "source"),
    [
        (
            "python",
            "task.assignee = 'ann'\n"
            "seen = task.name + '/' + task.getEventName() + '/' + execution.getEventName()",
        ),
        ("python", "task.setAssignee('ann')\ntask.setVariable('seen', task.getName() + '/create/create')"),
        (
            "javascript",
            "task.assignee = 'ann';"
            "execution.setVariable('seen', [task.name, task.eventName, execution.eventName].join('/'));",
        ),
        (
            "javascript",
            "task.setAssignee('ann');"
            "task.setVariable('seen', task.getName() + '/create/' + execution.getEventName());",
        ),
    ],
)
def test_a_task_listener_script_sets_the_assignee_and_reads_the_task(language, source):
    facts = _facts()

    changed = compile_script(language, source, element_id="review").run({}, event_name="create", task=facts)

    assert facts["assignee"] == "ann"
    assert changed == {"seen": "Review/create/create"}


@pytest.mark.parametrize(
    ("language", "source", "cause"),
    [
        ("python", "task.name = 'other'", "only task.assignee can"),
        ("python", "task.assignee = 5", "user name"),
        ("javascript", "task.assignee = 5;", "user name"),
        ("javascript", "task.constructor.constructor('return process')().exit(1);", "process is not defined"),
    ],
)
def test_a_task_listener_script_changes_nothing_of_the_task_but_its_assignee(language, source, cause):
    facts = _facts("bob")

    with pytest.raises(ScriptFailed, match=cause):
        compile_script(language, source, element_id="review").run({}, event_name="create", task=facts)
    assert facts["assignee"] == "bob"


def test_task_is_an_ordinary_variable_outside_a_task_listener():
    script = compile_script("python", "task = task + 1", element_id="count")

    assert script.run({"task": 1}) == {"task": 2}


@pytest.mark.parametrize(
    ("source", "refusal"), [("x = task.__dict__", "may start with"), ("x = task.owner", "'.owner'")]
)
def test_what_task_does_not_offer_is_refused_at_deploy(source, refusal):
    with pytest.raises(ScriptRefused, match=refusal):
        compile_script("python", source, element_id="review")
