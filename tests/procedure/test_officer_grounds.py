"""Grounds 1, 2, 9 and 10 (appendix 1) need an officer's judgement; each is carried through a whole case."""

from __future__ import annotations

import pytest

from tests.procedure.helpers import grounds
from tests.procedure.world import almaty

REASONS = {
    1: "the counterparty's signature on the contract copy does not match its register",
    2: "a state institution may not carry on entrepreneurial activity",
    9: "the buyer is listed under a UN Security Council embargo the member states must enforce",
    10: "an EEC Board decision bans importing these goods",
}


@pytest.mark.parametrize("ground", [1, 2, 9, 10])
def test_an_officer_found_ground_is_heard_refused_delivered_and_kept(procedure, world, ground):
    # Given an application on which no other system finds anything
    procedure.submit()
    assert procedure.variables()["automated_grounds"] == []

    # When the officer refuses preliminarily on the ground, naming what it rests on
    procedure.decide(
        almaty("2025-04-15 10:00"),
        "officer_review",
        decision="preliminary_refusal",
        refusal_reasons=REASONS[ground],
        **grounds(ground),
    )
    # Then the applicant is told the ground and the hearing, in time
    notice = world.effects_of("hearing_notice")[0]
    assert (notice["grounds"], notice["hearing_at"]) == ([ground], "2025-04-17T11:00:00+05:00")
    assert procedure.variables()["hearing_notice_in_time"] is True

    # When the hearing does not change the officer's mind
    procedure.decide(
        almaty("2025-04-17 12:00"),
        "record_hearing_outcome",
        hearing_outcome="refuse",
        hearing_minutes="the applicant disputed the finding without new documents",
        **grounds(ground),
    )
    # Then the reasoned refusal names the ground and reaches the cabinet and the applicant's e-mail
    assert world.effects_of("refusal") == [{"grounds": [ground], "at": "2025-04-17T12:00:00+05:00"}]
    assert world.effects_of("cabinet")[-1] == {
        "status": "refused",
        "license": None,
        "at": "2025-04-17T12:00:00+05:00",
    }
    assert world.effects_of("result_notice")[0]["to"] == "office@dala.example"
    assert procedure.variables()["refusal_grounds"] == [ground]

    # and the records are kept 3 years from the decision, then destroyed
    procedure.wait_until(almaty("2028-04-18 10:00"))
    destroyed = world.effects_of("records_destroyed")
    assert [(d["kept_from"], d["reason"]) for d in destroyed] == [("2025-04-17", "refused")]
    assert procedure.case().status == "completed"
