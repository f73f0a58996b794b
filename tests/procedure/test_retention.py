"""Records are kept 3 years after the license ends, then destroyed (para 6)."""

from __future__ import annotations

from tests.procedure.world import almaty


def test_records_are_destroyed_three_years_after_the_license_expires(procedure, world):
    # Given a one-time license issued 16 April 2025, valid until its contract ends on 31 December 2025
    procedure.submit(contract_end="2025-12-31")
    procedure.decide(almaty("2025-04-16 11:00"), "officer_review", decision="issue")
    assert procedure.variables()["valid_until"] == "2025-12-31"

    # When the license expires, nothing is destroyed yet
    procedure.wait_until(almaty("2026-01-02 12:00"))
    assert "records_destroyed" not in world.kinds()
    assert [t.status for t in procedure.timers("license_expired")] == ["fired"]

    # Three years after expiry the records are kept still on the last day
    procedure.wait_until(almaty("2028-12-31 23:00"))
    assert "records_destroyed" not in world.kinds()

    # Then on the first working day after the three years they are destroyed, once
    procedure.wait_until(almaty("2029-01-10 12:00"))
    destroyed = world.effects_of("records_destroyed")
    assert len(destroyed) == 1
    assert destroyed[0]["kept_from"] == "2025-12-31" and destroyed[0]["reason"] == "expired"
    assert procedure.case().status == "completed"
    assert procedure.history()[-2:] == [("element_completed", "case_closed"), ("case_completed", None)]


def test_a_terminated_license_is_kept_three_years_from_the_termination(procedure, world):
    procedure.submit()
    procedure.decide(almaty("2025-04-16 11:00"), "officer_review", decision="issue")
    with procedure.at(almaty("2025-09-01 10:00")):
        procedure.orchestrator.correlate_message(
            "license_terminated",
            {"license_ended_on": "2025-09-01", "license_end_reason": "terminated by the provider"},
            business_key=procedure.business_key,
        )
    assert [t.status for t in procedure.timers("license_expired")] == ["cancelled"]
    procedure.wait_until(almaty("2028-09-02 12:00"))  # 2 September 2028 is a Saturday
    assert "records_destroyed" not in world.kinds()
    procedure.wait_until(almaty("2028-09-04 09:01"))
    assert world.effects_of("records_destroyed")[0]["kept_from"] == "2025-09-01"


def test_a_suspended_license_is_kept_three_years_from_the_suspension(procedure, world):
    # Given a license issued 16 April 2025, valid until the contract ends on 31 December 2026
    procedure.submit()
    procedure.decide(almaty("2025-04-16 11:00"), "officer_review", decision="issue")

    # When the license is suspended on 3 June 2025
    with procedure.at(almaty("2025-06-03 10:00")):
        procedure.orchestrator.correlate_message(
            "license_suspended",
            {"license_ended_on": "2025-06-03", "license_end_reason": "suspended by the provider"},
            business_key=procedure.business_key,
        )

    # Then its expiry no longer counts, and the 3 years run from the suspension
    assert [t.status for t in procedure.timers("license_expired")] == ["cancelled"]
    procedure.wait_until(almaty("2028-06-03 12:00"))
    assert "records_destroyed" not in world.kinds()
    procedure.wait_until(almaty("2028-06-05 09:01"))  # 3 June 2028 is a Saturday; 5 June the next working day
    destroyed = world.effects_of("records_destroyed")
    assert len(destroyed) == 1
    assert destroyed[0]["kept_from"] == "2025-06-03" and destroyed[0]["reason"] == "suspended by the provider"
    assert procedure.case().status == "completed"
