"""Every seeded application travels the real diagrams with the bundled workers and ends
as its seed says, over real HTTP to the stand-in systems and real SMTP to a mail sink.

The officer does what the story says: issues when the automated checks found nothing,
refuses preliminarily on the grounds they found, and refuses after the hearing.
"""

from __future__ import annotations

import pytest

from engine.external.worker_loop import WorkerLoop
from licflow.workers import load_registry
from tests.e2e.stories import (
    STORIES,
    assert_every_story_ended_as_told,
    play_every_story,
    start_every_story,
    variables_of,
)


@pytest.fixture
def in_process_workers(world):
    return WorkerLoop(world.orchestrator.store, load_registry(()), "seeded-e2e")


def test_every_seeded_application_ends_as_its_story_says(world, in_process_workers):
    orchestrator, mail = world.orchestrator, world.mail
    cases = start_every_story(orchestrator)

    outcomes = play_every_story(orchestrator, world.standins, cases, in_process_workers.drain)

    assert_every_story_ended_as_told(orchestrator, outcomes)
    # hearing notices reached the applicants with the hearing time and the grounds
    notices = [m for m in mail.messages() if m["Subject"].startswith("Preliminary decision")]
    refused = [a for a, s in STORIES.items() if s["story"].startswith("refused after hearing")]
    assert sorted(m["To"] for m in notices) == sorted(
        STORIES[a]["application"]["applicant_email"] for a in refused
    )
    court = next(m for m in notices if m["To"] == STORIES["210840010108"]["application"]["applicant_email"])
    body = court.get_content()
    assert "6. a court decision in force" in body
    assert variables_of(orchestrator, cases["210840010108"])["hearing_at"] in court["Subject"]
