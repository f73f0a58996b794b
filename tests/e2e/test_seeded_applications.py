"""Every seeded application travels the real diagrams with the bundled workers and ends
as its seed says, over real HTTP to the stand-in systems and real SMTP to a mail sink.

The officer does what the story says: issues when the automated checks found nothing,
refuses preliminarily on the grounds they found, and refuses after the hearing.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from engine import clock
from engine.calendar import ALMATY
from engine.definitions import read_documents
from engine.worker_loop import WorkerLoop
from licflow.workers import load_registry
from standins.app import create_app as create_standins
from standins.mail import MailSink
from standins.seed import read_seed
from standins.server import StandInServer
from store.models import Case, UserTask
from tests.conftest import ROOT
from web import create_app
from workers.settings import settings as worker_settings

TOKEN = "seeded-e2e-token"
SEED = read_seed()
STORIES = {a["id"]: a for a in SEED["applicants"]}


@pytest.fixture
def world(orchestrator, monkeypatch, tmp_path):
    """licflow's web API, the stand-ins and a mail sink on loopback ports; bundled workers."""
    web = make_server(
        "127.0.0.1", 0, create_app(orchestrator, {"API_TOKENS": {"standins": TOKEN}}), threaded=True
    )
    threading.Thread(target=web.serve_forever, args=(0.05,), daemon=True).start()
    engine_url = f"http://127.0.0.1:{web.server_port}"
    standins = StandInServer(
        create_standins(
            test_config={"ENGINE_URL": engine_url, "ENGINE_TOKEN": TOKEN, "DELIVER_IN_BACKGROUND": False}
        )
    )
    standins.start()
    mail = MailSink(directory=tmp_path / "mail")
    mail.start()
    monkeypatch.setenv("LICFLOW_OUTSIDE_URL", standins.url)
    monkeypatch.setenv("LICFLOW_SMTP_URL", f"smtp://127.0.0.1:{mail.port}")
    monkeypatch.setenv("LICFLOW_DOCUMENTS_DIR", str(tmp_path / "documents"))
    worker_settings.cache_clear()
    import workers.outside

    workers.outside.use(None)
    orchestrator.deploy(read_documents(sorted((ROOT / "bpmn").glob("*.*"))))
    loop = WorkerLoop(orchestrator.store, load_registry(()), "seeded-e2e")
    yield orchestrator, loop, standins, mail
    standins.stop()
    mail.stop()
    web.shutdown()
    worker_settings.cache_clear()
    workers.outside.use(None)


def _open_task(orchestrator, business_key: str) -> UserTask | None:
    with orchestrator.store.unit_of_work() as session:
        return session.scalars(
            select(UserTask)
            .join(Case, Case.id == UserTask.case_id)
            .where(Case.business_key == business_key, UserTask.status == "open")
        ).first()


def _variables(orchestrator, case_id: str) -> dict:
    from engine.cases import open_case
    from tests.procedure.harness import _newest

    with orchestrator.store.unit_of_work() as session:
        return _newest(open_case(session, case_id).workflow)


def _ticks(numbers) -> dict:
    return {f"ground_{n}": True for n in numbers}


def test_every_seeded_application_ends_as_its_story_says(world):
    orchestrator, loop, standins, mail = world
    submitted_at = clock.now().astimezone(ALMATY).isoformat()
    cases = {}
    for applicant_id, seeded in STORIES.items():
        variables = {**seeded["application"], "submitted_at": submitted_at}
        cases[applicant_id] = orchestrator.start_case(
            "license_issuance", f"APP-{applicant_id}", variables, "portal"
        )
    loop.drain()

    # the consulted bodies answer (the stand-ins' courier delivers over HTTP to licflow's message API)
    standins.app.standins.courier.deliver_due_answers(clock.now() + timedelta(minutes=5))
    loop.drain()

    outcomes = {}
    for applicant_id in STORIES:
        key = f"APP-{applicant_id}"
        task = _open_task(orchestrator, key)
        if task is not None:
            found = _variables(orchestrator, cases[applicant_id])["automated_grounds"]
            if found:
                orchestrator.complete_user_task(
                    task.id,
                    {
                        "decision": "preliminary_refusal",
                        "refusal_reasons": "automated checks",
                        **_ticks(found),
                    },
                    "officer",
                )
                loop.drain()
                hearing = _open_task(orchestrator, key)
                orchestrator.complete_user_task(
                    hearing.id, {"hearing_outcome": "refuse", **_ticks(found)}, "officer"
                )
            else:
                orchestrator.complete_user_task(task.id, {"decision": "issue"}, "officer")
            loop.drain()
        outcomes[applicant_id] = _variables(orchestrator, cases[applicant_id])

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
            assert "cabinet_status" in result and result["cabinet_status"] == "accepted"
            assert _open_task(orchestrator, f"APP-{applicant_id}") is None
        elif story.startswith("not considered"):
            assert result.get("cabinet_status") == "not_considered"
        else:
            pytest.fail(f"story of {applicant_id} is not understood: {story}")

    # license numbers are unique and without gaps
    numbers = sorted(int(r["license_number"][-6:]) for r in outcomes.values() if r.get("license_number"))
    assert numbers == list(range(1, len(numbers) + 1))

    # hearing notices reached the applicants with the hearing time and the grounds
    notices = [m for m in mail.messages() if m["Subject"].startswith("Preliminary decision")]
    refused = [a for a, s in STORIES.items() if s["story"].startswith("refused after hearing")]
    assert sorted(m["To"] for m in notices) == sorted(
        STORIES[a]["application"]["applicant_email"] for a in refused
    )
    court = next(m for m in notices if m["To"] == STORIES["210840010108"]["application"]["applicant_email"])
    body = court.get_content()
    assert "6. a court decision in force" in body
    assert _variables(orchestrator, cases["210840010108"])["hearing_at"] in court["Subject"]
