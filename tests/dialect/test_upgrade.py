"""A database holding cases from before start events and signals upgrades, and its cases run on."""

from __future__ import annotations

from alembic import command

from engine.orchestrator import Orchestrator
from store.db import Store, make_engine
from store.migrate import alembic_config, upgrade
from tests.conftest import read_diagram
from tests.dialect import drive
from tests.engine import sample

BEFORE = "0008_signed_identity"  # the schema before 0009_start_events


def _migrate(url: str, direction, target: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        direction(config, target)
    engine.dispose()


def test_cases_waiting_on_timers_and_messages_run_on_after_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'licflow.db'}"
    upgrade(url)
    store = Store(url)
    orchestrator = Orchestrator(store)
    orchestrator.deploy(read_diagram("core_sample.bpmn"))
    case_id = sample.start(orchestrator, "OLD-1")
    sample.pass_check(orchestrator)
    store.dispose()
    _migrate(url, command.downgrade, BEFORE)  # the database as it was before start events

    upgrade(url)
    store = Store(url)
    orchestrator = Orchestrator(store)

    (timer,) = drive.rows(orchestrator, drive.Timer, case_id=case_id)
    assert (timer.element_id, timer.status, timer.definition_id) == ("review_timeout", "waiting", None)
    orchestrator.complete_user_task(sample.open_review(orchestrator, case_id).id, {"approved": True}, "o1")
    (subscription,) = drive.rows(orchestrator, drive.MessageSubscription, case_id=case_id)
    assert (subscription.message_name, subscription.kind) == ("answer", "message")
    orchestrator.correlate_message("answer", {"verdict": "yes"}, business_key="OLD-1")
    assert drive.status(orchestrator, case_id) == "completed"
    store.dispose()
