"""What an officer submits is checked against the task's form before anything is saved."""

from __future__ import annotations

import pytest

from engine.dialect.parser import parse_documents
from engine.errors import FormInvalid
from engine.runtime.forms import read_submission
from tests.conftest import ROOT


def _task_spec(process: str, element: str):
    documents = {p.name: p.read_bytes() for p in (ROOT / "bpmn").glob("*.*")}
    parser = parse_documents(documents)
    return parser.get_spec(process).task_specs[element]


@pytest.fixture(scope="module")
def review():
    return _task_spec("license_consideration", "officer_review")


def test_an_issue_decision_fills_the_unticked_grounds_with_false(review):
    values = read_submission(review, {"decision": "issue"})
    assert values["decision"] == "issue"
    assert [values[f"ground_{n}"] for n in range(1, 11)] == [False] * 10


def test_ticks_arrive_as_booleans_or_words(review):
    values = read_submission(review, {"decision": "preliminary_refusal", "ground_6": "on", "ground_7": True})
    assert values["ground_6"] is True and values["ground_7"] is True and values["ground_1"] is False


def test_a_missing_decision_and_an_unknown_choice_are_named_by_field(review):
    with pytest.raises(FormInvalid) as missing:
        read_submission(review, {})
    assert missing.value.errors == {"decision": "is required"}
    with pytest.raises(FormInvalid) as unknown:
        read_submission(review, {"decision": "maybe", "ground_2": "perhaps"})
    assert set(unknown.value.errors) == {"decision", "ground_2"}


def test_a_preliminary_refusal_must_name_a_ground(review):
    with pytest.raises(FormInvalid) as refused:
        read_submission(review, {"decision": "preliminary_refusal", "refusal_reasons": "no"})
    assert "appendix 1" in refused.value.errors["grounds"]


def test_a_refusal_after_the_hearing_must_name_a_ground_too():
    hearing = _task_spec("license_hearing", "record_hearing_outcome")
    with pytest.raises(FormInvalid):
        read_submission(hearing, {"hearing_outcome": "refuse"})
    assert read_submission(hearing, {"hearing_outcome": "refuse", "ground_9": True})["ground_9"] is True
