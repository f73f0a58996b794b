"""The seeded applicants' stories: start them, let the officer act as each story says, check the ends.

`settle()` is whatever lets the workers finish what is available: draining an
in-process loop, or waiting for worker processes to go quiet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import clock
from engine.runtime.cases import case_variables, open_case
from procedure.calendar import ALMATY
from standins.seed import read_seed
from store.models import Case, UserTask

SEED = read_seed()
STORIES = {a["id"]: a for a in SEED["applicants"]}


def start_every_story(orchestrator, submitted_at: Callable[[str], str] | None = None) -> dict[str, str]:
    """Start one case per seeded applicant, submitted now or at `submitted_at(applicant id)`."""
    now = clock.now().astimezone(ALMATY).isoformat()
    return {
        applicant_id: orchestrator.start_case(
            "license_issuance",
            f"APP-{applicant_id}",
            {**seeded["application"], "submitted_at": submitted_at(applicant_id) if submitted_at else now},
            "portal",
        )
        for applicant_id, seeded in STORIES.items()
    }


def play_every_story(
    orchestrator,
    standins,
    cases: dict[str, str],
    settle: Callable[[], None],
    acting_at: Callable[[str], AbstractContextManager] | None = None,
) -> dict:
    """Run the stories to their ends; return {applicant id: the case's final variables}.

    The officer acts on each story inside `acting_at(applicant id)` (by default: now).
    """
    settle()
    # the consulted bodies answer (the stand-ins' courier delivers over HTTP to licflow's message API)
    standins.app.standins.courier.deliver_due_answers(clock.now() + timedelta(minutes=5))
    settle()
    outcomes = {}
    for applicant_id in STORIES:
        with (acting_at or (lambda _: nullcontext()))(applicant_id):
            act_as_the_story_says(orchestrator, applicant_id, cases[applicant_id], settle)
        outcomes[applicant_id] = variables_of(orchestrator, cases[applicant_id])
    return outcomes


def act_as_the_story_says(orchestrator, applicant_id: str, case_id: str, settle: Callable[[], None]) -> None:
    """Issue when nothing was found; otherwise refuse preliminarily and after the hearing."""
    key = f"APP-{applicant_id}"
    task = open_task(orchestrator, key)
    if task is None:
        return
    officer = STORIES[applicant_id].get("officer", {})
    found = sorted(
        set(variables_of(orchestrator, case_id)["automated_grounds"]) | set(officer.get("grounds", []))
    )
    if found:
        reasons = officer.get("reasons", "automated checks")
        orchestrator.complete_user_task(
            task.id,
            {"decision": "preliminary_refusal", "refusal_reasons": reasons, **ticks(found)},
            "officer",
        )
        settle()
        hearing = open_task(orchestrator, key)
        orchestrator.complete_user_task(hearing.id, {"hearing_outcome": "refuse", **ticks(found)}, "officer")
    else:
        orchestrator.complete_user_task(task.id, {"decision": "issue"}, "officer")
    settle()


def assert_every_story_ended_as_told(orchestrator, outcomes: dict) -> None:
    """Each case ended as its applicant's story says; license numbers are 1..N without gaps."""
    for applicant_id, seeded in STORIES.items():
        story, result = seeded["story"], outcomes[applicant_id]
        if story.startswith("issued"):
            assert result.get("cabinet_status") == "issued", (
                applicant_id,
                story,
                result.get("automated_grounds"),
            )
            assert len(result["license_number"]) == 16
        elif story.startswith("refused after hearing"):
            ground = int(re.search(r"ground (\d+)", story).group(1))
            assert result.get("cabinet_status") == "refused", (applicant_id, story)
            assert ground in result["refusal_grounds"], (applicant_id, story, result["refusal_grounds"])
        elif story.startswith("waiting for NSC"):
            assert result.get("cabinet_status") == "accepted"
            assert open_task(orchestrator, f"APP-{applicant_id}") is None
        elif story.startswith("not considered"):
            assert result.get("cabinet_status") == "not_considered"
        else:
            pytest.fail(f"story of {applicant_id} is not understood: {story}")
    numbers = sorted(int(r["license_number"][-6:]) for r in outcomes.values() if r.get("license_number"))
    assert numbers == list(range(1, len(numbers) + 1))


def open_task(orchestrator, business_key: str) -> UserTask | None:
    with orchestrator.store.unit_of_work() as session:
        return session.scalars(
            select(UserTask)
            .join(Case, Case.id == UserTask.case_id)
            .where(Case.business_key == business_key, UserTask.status == "open")
        ).first()


def variables_of(orchestrator, case_id: str) -> dict:
    with orchestrator.store.unit_of_work() as session:
        return case_variables(open_case(session, case_id).workflow)


def ticks(numbers) -> dict:
    return {f"ground_{n}": True for n in numbers}
