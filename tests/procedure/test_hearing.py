"""Before a refusal the applicant is heard (para 13)."""

from __future__ import annotations

import pytest

from engine.errors import FormInvalid
from tests.procedure.helpers import grounds
from tests.procedure.world import almaty


def _preliminary_refusal(procedure, world, *numbers):
    procedure.submit()
    procedure.decide(
        almaty("2025-04-15 10:00"),
        "officer_review",
        decision="preliminary_refusal",
        refusal_reasons="the contract copy does not match the registry",
        **grounds(*numbers),
    )


def test_a_refusal_follows_the_hearing_and_names_its_grounds(procedure, world):
    # Given a preliminary refusal on ground 1 on 15 April, term ending 21 April
    _preliminary_refusal(procedure, world, 1)

    # Then the applicant is e-mailed the grounds and a hearing 2 working days later
    notice = world.effects_of("hearing_notice")[0]
    assert notice["to"] == "office@dala.example"
    assert notice["hearing_at"] == "2025-04-17T11:00:00+05:00"
    assert notice["grounds"] == [1]
    assert procedure.variables()["hearing_notice_in_time"] is True  # by 16 April 18:30

    # When the officer records a refusal after the hearing
    procedure.decide(
        almaty("2025-04-17 12:00"), "record_hearing_outcome", hearing_outcome="refuse", **grounds(1)
    )

    # Then the reasoned refusal names ground 1 and reaches the cabinet
    assert world.effects_of("refusal")[0]["grounds"] == [1]
    assert world.effects_of("cabinet")[-1]["status"] == "refused"
    assert world.licenses_issued == 0


def test_a_license_can_still_be_issued_after_the_hearing(procedure, world):
    _preliminary_refusal(procedure, world, 8)
    procedure.decide(almaty("2025-04-17 12:00"), "record_hearing_outcome", hearing_outcome="issue")
    assert world.licenses_issued == 1
    assert "refusal" not in world.kinds()
    assert world.effects_of("cabinet")[-1]["status"] == "issued"


def test_a_preliminary_refusal_without_grounds_is_refused_and_nothing_is_saved(procedure, world):
    procedure.submit()
    task = procedure.open_task("officer_review")
    with pytest.raises(FormInvalid) as refused:
        procedure.orchestrator.complete_user_task(task.id, {"decision": "preliminary_refusal"}, "officer")
    assert "grounds" in refused.value.errors
    assert procedure.open_tasks() == ["officer_review"]
    assert ("user_task_completed", "officer_review") not in procedure.history()


def test_an_unpaid_fee_is_found_and_ends_in_a_refusal_on_ground_three(procedure, world):
    # Given the payment gateway knows no payment for the application
    world.fee_paid = False
    procedure.submit()
    # Then the automated checks put ground 3 before the officer
    assert procedure.variables()["automated_grounds"] == [3]
    # When the officer refuses preliminarily and the fee is still unpaid after the hearing
    procedure.decide(
        almaty("2025-04-15 09:30"), "officer_review", decision="preliminary_refusal", **grounds(3)
    )
    procedure.decide(
        almaty("2025-04-17 12:00"), "record_hearing_outcome", hearing_outcome="refuse", **grounds(3)
    )
    # Then the refusal names ground 3
    assert world.effects_of("refusal")[0]["grounds"] == [3]
