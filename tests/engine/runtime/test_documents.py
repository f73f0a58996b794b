"""Documents attached to a running case are kept, listed, destroyed once by a task, and recorded."""

from __future__ import annotations

import hashlib

import pytest

from engine.errors import Conflict, NotFound
from engine.history.chain_check import check_cases
from engine.history.replay import replay_case
from engine.runtime.documents import Received, case_documents
from tests.conftest import read_diagram
from tests.engine import sample


def _received(text: str, reference: str = "R-1") -> Received:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Received("execution_report", reference, "application/xml", text, digest, {"period": "2026-12"})


@pytest.fixture
def case_id(orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    return sample.start(orchestrator, "D-1")


def _documents(orchestrator, case_id):
    with orchestrator.transaction() as session:
        return case_documents(session, case_id)


def test_an_attached_document_is_kept_and_recorded_in_the_chained_history(orchestrator, case_id):
    document_id, created = orchestrator.attach_document(case_id, _received("<report/>"), "portal:dala")

    (kept,) = _documents(orchestrator, case_id)
    assert created and kept.id == document_id
    assert (kept.content, kept.reference, kept.received_by, kept.destroyed_at) == (
        "<report/>", "R-1", "portal:dala", None,
    )  # fmt: skip
    assert sample.history_kinds(orchestrator, case_id)[-1] == ("document_attached", None)
    with orchestrator.transaction() as session:
        (checked,) = check_cases(session, [case_id])
        assert checked.intact
        assert replay_case(session, case_id).reproduced  # an attachment is no input to the process


def test_the_same_document_attached_again_is_the_one_kept(orchestrator, case_id):
    first = orchestrator.attach_document(case_id, _received("<report/>"), "portal:dala")
    again = orchestrator.attach_document(case_id, _received("<report/>"), "portal:dala")

    assert again == (first[0], False)
    assert len(_documents(orchestrator, case_id)) == 1
    assert [k for k, _ in sample.history_kinds(orchestrator, case_id)].count("document_attached") == 1


def test_destroying_drops_the_content_keeps_the_record_and_answers_a_retry_the_same(orchestrator, case_id):
    orchestrator.attach_document(case_id, _received("<one/>", "R-1"), "portal:dala")
    orchestrator.attach_document(case_id, _received("<two/>", "R-2"), "portal:dala")

    destroyed = orchestrator.destroy_case_documents(case_id, "case:task-9", "worker:w1")
    again = orchestrator.destroy_case_documents(case_id, "case:task-9", "worker:w1")

    assert [d["reference"] for d in destroyed] == ["R-1", "R-2"]
    assert again == destroyed
    assert [(d.content, d.destroyed_by) for d in _documents(orchestrator, case_id)] == [
        (None, "case:task-9"),
        (None, "case:task-9"),
    ]
    kinds = [k for k, _ in sample.history_kinds(orchestrator, case_id)]
    assert kinds.count("documents_destroyed") == 1


def test_after_the_destruction_nothing_more_is_attached(orchestrator, case_id):
    orchestrator.destroy_case_documents(case_id, "case:task-9", "worker:w1")

    with pytest.raises(Conflict, match="destroyed"):
        orchestrator.attach_document(case_id, _received("<late/>"), "portal:dala")
    assert _documents(orchestrator, case_id) == []


def test_nothing_is_attached_to_an_unknown_case(orchestrator, case_id):
    with pytest.raises(NotFound):
        orchestrator.attach_document("no-such-case", _received("<report/>"), "portal:dala")
