"""A case just saved is kept deserialized for its next command, and only while nothing else changed it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.errors import FormInvalid
from engine.runtime import case_cache, cases
from store.models import UserTask
from tests.conftest import read_diagram
from tests.engine import sample


@pytest.fixture
def loads(monkeypatch):
    """Count how often a command reads a case's state from the store."""
    case_cache.CASES.clear()
    counted = []
    real = cases.load_state

    def counting(*arguments):
        counted.append(arguments[0][:10])
        return real(*arguments)

    monkeypatch.setattr(cases, "load_state", counting)
    return counted


@pytest.fixture
def deployed(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return orchestrator


def test_the_command_after_a_save_reads_no_state_from_the_store(deployed, loads):
    sample.start(deployed, "C-1")

    sample.pass_check(deployed)

    assert loads == []


def test_a_case_another_process_changed_is_read_again_from_the_store(deployed, loads):
    case_id = sample.start(deployed, "C-2")
    with deployed.store.engine.begin() as connection:  # another process saved the case meanwhile
        connection.execute(
            sa.text("UPDATE cases SET revision = revision + 1 WHERE id = :id"), {"id": case_id}
        )

    sample.pass_check(deployed)

    assert len(loads) == 1


def test_a_command_that_rolled_back_leaves_nothing_behind(deployed, loads):
    case_id = sample.start(deployed, "C-3")
    sample.pass_check(deployed)
    review = sample.open_review(deployed, case_id)
    with pytest.raises(FormInvalid):
        deployed.complete_user_task(review.id, {"approved": "perhaps"}, "officer")

    deployed.complete_user_task(review.id, {"approved": True}, "officer")

    assert len(loads) == 1  # the failed command took the entry; the next read the store
    assert sample.rows(deployed, UserTask, id=review.id)[0].status == "completed"
