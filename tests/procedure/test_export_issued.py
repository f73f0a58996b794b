"""An export license is issued within 5 working days (para 9)."""

from __future__ import annotations

from tests.procedure.world import almaty


def test_an_export_license_is_issued_within_five_working_days(procedure, world):
    # Given an export application submitted on Monday 14 April 2025 at 10:00
    procedure.submit(submitted_at="2025-04-14T10:00:00+05:00", direction="export", list_section="2.16")

    # Then it is registered that day and the cabinet shows the result is due on 21 April
    accepted = world.effects_of("cabinet")[0]
    assert accepted["status"] == "accepted"
    assert accepted["registered_on"] == "2025-04-14"
    assert accepted["due_at"] == "2025-04-21T18:30:00+05:00"
    assert procedure.open_tasks() == ["officer_review"]

    # When the officer decides to issue on 16 April
    procedure.decide(almaty("2025-04-16 11:02"), "officer_review", decision="issue")

    # Then the license is issued, shown in the cabinet and e-mailed
    variables = procedure.variables()
    assert len(variables["license_number"]) == 16
    assert variables["valid_until"] == "2026-04-15"  # para 5: at most one year
    assert world.effects_of("cabinet")[-1]["status"] == "issued"
    assert world.effects_of("result_notice") == [
        {"to": "office@dala.example", "at": "2025-04-16T11:02:00+05:00"}
    ]
    # and the statutory timers were cancelled, nobody was warned
    assert [t.status for t in procedure.timers("statutory_deadline_warning")] == ["cancelled"]
    assert [t.status for t in procedure.timers("statutory_deadline_reached")] == ["cancelled"]
    assert "deadline_warning" not in world.kinds()
    # and the records are kept until the license expires
    assert [t.status for t in procedure.timers("license_expired")] == ["waiting"]
