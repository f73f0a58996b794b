"""Terms of the service by kind, direction and list section (para 9, license_routing.dmn)."""

from __future__ import annotations

import pytest

from tests.procedure.world import almaty

# Submitted Monday 14 April 2025 at 10:00 and registered that day.
FIVE_DAYS = "2025-04-21T18:30:00+05:00"
TEN_DAYS = "2025-04-28T18:30:00+05:00"


def test_a_plain_import_license_is_due_in_five_working_days(procedure, world):
    procedure.submit(direction="import", list_section="2.16", kind="one_time")
    variables = procedure.variables()
    assert (variables["term_days"], variables["consulted_body"]) == (5, "none")
    assert variables["registered_on"] == "2025-04-14"
    assert variables["statutory_due_at"] == FIVE_DAYS
    assert world.effects_of("cabinet")[0]["due_at"] == FIVE_DAYS
    # 3 working days before the term ends: the notice goes out by Wednesday 16 April
    assert variables["hearing_notice_due_at"] == "2025-04-16T18:30:00+05:00"
    procedure.decide(almaty("2025-04-18 10:00"), "officer_review", decision="issue")
    assert world.licenses_issued == 1
    assert "deadline_escalation" not in world.kinds()


@pytest.mark.parametrize("kind", ["general", "exclusive"])
def test_general_and_exclusive_import_licenses_are_due_in_five_working_days(procedure, world, kind):
    procedure.submit(direction="import", kind=kind, government_decision_until="2027-06-30")
    assert procedure.variables()["statutory_due_at"] == FIVE_DAYS


@pytest.mark.parametrize("section", ["2.17", "2.19"])
@pytest.mark.parametrize("kind", ["one_time", "general", "exclusive"])
def test_special_technical_and_encryption_means_take_ten_working_days_exclusive_ones_too(
    procedure, world, kind, section
):
    # The DMN table's annotation on rules 1 and 2: the goods decide the term, even for an
    # exclusive license, because the decision waits for the NSC (para 12, para 13).
    procedure.submit(kind=kind, list_section=section, government_decision_until="2027-06-30")
    variables = procedure.variables()
    assert (variables["term_days"], variables["consulted_body"]) == (10, "nsc")
    assert variables["statutory_due_at"] == TEN_DAYS
    assert world.effects_of("consultation_request") == [{"body": "nsc", "at": "2025-04-14T10:00:00+05:00"}]
