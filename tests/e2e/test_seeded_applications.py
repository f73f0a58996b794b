"""Every seeded application travels the real diagrams with the bundled workers and ends
as its seed says, over real HTTP to the stand-in systems and real SMTP to a mail sink.

The officer does what the story says: issues when the automated checks found nothing,
refuses preliminarily on the grounds they found (or, for grounds 1, 2, 9 and 10, the
grounds the story's officer finds), and refuses after the hearing.

The run happens on Tuesday 17 November 2026 from 09:00 (Asia/Almaty); the applications
were submitted on the days around it, so each story's registration day and statutory
due time are known by hand (para 8, para 9; no holiday falls in these weeks).
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from engine.external.worker_loop import WorkerLoop
from engine.i18n import moment_text
from licflow.workers import load_registry
from procedure.calendar import ALMATY
from procedure.grounds import describe
from store.models import HistoryEvent
from tests.e2e.stories import (
    STORIES,
    assert_every_story_ended_as_told,
    play_every_story,
    start_every_story,
    variables_of,
)

RUN_STARTS = datetime(2026, 11, 17, 9, 0, tzinfo=ALMATY)
MONDAY_MORNING = "2026-11-16T10:00:00+05:00"
SUBMITTED = {
    "150440001110": "2026-11-13T16:01:00+05:00",  # Friday after 16:00: Monday
    "850315301235": "2026-11-14T11:00:00+05:00",  # Saturday: Monday
    "180440023236": "2026-11-16T16:00:00+05:00",  # Monday at 16:00 sharp: still Monday
    "171140019199": "2026-11-16T16:00:01+05:00",  # Monday a second after 16:00: Tuesday
}
FIVE_DAYS_FROM_MONDAY = ("2026-11-16", "2026-11-23T18:30:00+05:00")
TEN_DAYS_FROM_MONDAY = ("2026-11-16", "2026-11-30T18:30:00+05:00")  # 2.17 and 2.19: NSC
REGISTERED_AND_DUE = {
    **{applicant_id: FIVE_DAYS_FROM_MONDAY for applicant_id in STORIES},
    "171140019199": ("2026-11-17", "2026-11-24T18:30:00+05:00"),
    "190640015155": TEN_DAYS_FROM_MONDAY,
    "230340017170": TEN_DAYS_FROM_MONDAY,
    "200940018185": TEN_DAYS_FROM_MONDAY,
}
# The late story's officer refuses on Friday 20 November, after the notice deadline of
# Wednesday 18 November 18:30, with one working day of the term left.
LATE = next(a for a, s in STORIES.items() if s.get("officer", {}).get("late"))
LATE_DECISION = datetime(2026, 11, 20, 10, 0, tzinfo=ALMATY)


@pytest.fixture
def in_process_workers(world):
    return WorkerLoop(world.orchestrator.store, load_registry(()), "seeded-e2e")


def _acting_at(applicant_id: str):
    return time_machine.travel(LATE_DECISION, tick=True) if applicant_id == LATE else nullcontext()


def test_every_seeded_application_ends_as_its_story_says(world, in_process_workers):
    orchestrator, mail = world.orchestrator, world.mail
    with time_machine.travel(RUN_STARTS, tick=True):
        cases = start_every_story(
            orchestrator, lambda applicant_id: SUBMITTED.get(applicant_id, MONDAY_MORNING)
        )
        outcomes = play_every_story(
            orchestrator, world.standins, cases, in_process_workers.drain, acting_at=_acting_at
        )

    assert_every_story_ended_as_told(orchestrator, outcomes)
    # para 8, para 9: each story's registration day and statutory due time
    assert {a: (o["registered_on"], o["statutory_due_at"]) for a, o in outcomes.items()} == REGISTERED_AND_DUE
    # hearing notices reached the applicants in their application's language, with the grounds
    assert_every_applicant_was_written_to_in_their_language(orchestrator, mail, cases, outcomes)
    # every refusal but the late one gave its notice in time
    in_time = {a: o["hearing_notice_in_time"] for a, o in outcomes.items() if "hearing_notice_in_time" in o}
    assert [a for a, timely in in_time.items() if not timely] == [LATE]
    late = outcomes[LATE]
    assert (late["hearing_notice_days_left"], late["hearing_at"]) == (1, "2026-11-23T11:00:00+05:00")
    with orchestrator.transaction() as db:
        recorded = db.scalars(
            select(HistoryEvent.case_id).where(HistoryEvent.element_id == "hearing_notice_late")
        ).all()
    assert recorded == [cases[LATE]]
    # para 5: Айбек Серікұлы Өтегенов's license ends with its certificate, before the contract does
    assert outcomes["850315301235"]["valid_until"] == "2027-03-31"
    # item 8(3): Kalkan Arms' permit came with the application; Arman Pharm's set lacked it
    assert outcomes["170340008881"]["qualification_evidence"] == [
        "permit for section 2.22: submitted by the applicant (appendix 1 item 8(3))"
    ]
    assert outcomes["110540007770"]["missing_documents"] == ["permit"]


# The subject of a hearing notice begins so in each language (para 13).
PRELIMINARY = {
    "kk": "Лицензия беруден бас тарту туралы алдын ала шешім",
    "ru": "Предварительное решение об отказе в выдаче лицензии",
    "en": "Preliminary decision to refuse a license",
}


def language_of(applicant_id: str) -> str:
    return STORIES[applicant_id]["application"].get("language") or "kk"  # Kazakh when none is named


def assert_every_applicant_was_written_to_in_their_language(orchestrator, mail, cases, outcomes) -> None:
    """Each refused applicant got one hearing notice in its language; documents carry kk and ru."""
    refused = [a for a, s in STORIES.items() if s["story"].startswith("refused after hearing")]
    notices = {m["To"]: m for m in mail.messages() if m["Subject"].startswith(tuple(PRELIMINARY.values()))}
    assert sorted(notices) == sorted(STORIES[a]["application"]["applicant_email"] for a in refused)
    for applicant_id in refused:
        notice = notices[STORIES[applicant_id]["application"]["applicant_email"]]
        language = language_of(applicant_id)
        assert notice["Subject"].startswith(PRELIMINARY[language]), (applicant_id, notice["Subject"])
        assert STORIES[applicant_id]["name"] in notice.get_content()
    # the court ban's notice (Russian): the ground in the official wording, the hearing in local time
    court = notices[STORIES["210840010108"]["application"]["applicant_email"]]
    assert language_of("210840010108") == "ru"
    assert "6. в отношении услугополучателя имеется вступившее в законную силу решение" in court.get_content()
    hearing_at = datetime.fromisoformat(variables_of(orchestrator, cases["210840010108"])["hearing_at"])
    assert moment_text(hearing_at, "ru") in court["Subject"] and "(Asia/Almaty)" in court["Subject"]
    # grounds 1, 2, 9 and 10: the refusal names the officer's grounds in the Rules' words
    for applicant_id, story in STORIES.items():
        if "officer" in story:
            expected = describe(story["officer"]["grounds"], language_of(applicant_id))
            assert outcomes[applicant_id]["refusal_grounds_text"] == expected
    # a Kazakh applicant's license, read back from the PDF: the name whole, Kazakh then Russian
    issued = outcomes["850315301235"]
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(Path(issued["license_document"])).pages).split()
    )
    number = issued["license_number"]
    assert "Айбек Серікұлы Өтегенов" in text
    assert text.index(f"№ {number} лицензия") < text.index(f"Лицензия № {number}")
