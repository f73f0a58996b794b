"""An analyst's changed routing table is tried on recorded cases before it is deployed."""

from __future__ import annotations

import pytest

from engine.history.what_if import SAME, what_if
from store.models import Case, ProcessDefinition
from tests.procedure.harness import BPMN, Procedure
from tests.procedure.world import almaty

# para 9 says 5 working days; the analyst tries 3 for exports of section 2.16
THREE_DAYS_FOR_EXPORTS_OF_2_16 = """
      <rule id="rule_export_2_16_faster">
        <description>What-if: exports of section 2.16 in 3 working days.</description>
        <inputEntry id="inputEntry_f_1"><text></text></inputEntry>
        <inputEntry id="inputEntry_f_2"><text>"export"</text></inputEntry>
        <inputEntry id="inputEntry_f_3"><text>"2.16"</text></inputEntry>
        <outputEntry id="outputEntry_f_1"><text>3</text></outputEntry>
        <outputEntry id="outputEntry_f_2"><text>"none"</text></outputEntry>
        <outputEntry id="outputEntry_f_3"><text>0</text></outputEntry>
        <outputEntry id="outputEntry_f_4"><text>false</text></outputEntry>
      </rule>
      <rule id="rule_10">"""


def faster_routing() -> dict[str, bytes]:
    table = (BPMN / "license_routing.dmn").read_text(encoding="utf-8")
    assert '<rule id="rule_10">' in table
    return {
        "license_routing.dmn": table.replace('<rule id="rule_10">', THREE_DAYS_FOR_EXPORTS_OF_2_16).encode()
    }


@pytest.fixture
def recorded_cases(procedure, orchestrator, world):
    """Four recorded cases submitted on Monday 14 April 2025, decided on the 16th or the 18th."""
    applications = {
        "EXPORT-EARLY": dict(direction="export", list_section="2.16"),
        "EXPORT-LATE": dict(direction="export", list_section="2.16"),
        "IMPORT": dict(direction="import", list_section="2.16"),
        "EXCLUSIVE": dict(
            direction="export", list_section="2.13", kind="exclusive", government_decision_until="2027-06-30"
        ),
    }
    cases = {}
    for key, fields in applications.items():
        case = procedure if key == "EXPORT-EARLY" else Procedure(orchestrator, world)
        case.business_key = key
        case.submit(submitted_at="2025-04-14T10:00:00+05:00", **fields)
        cases[key] = case
    for key in ("EXPORT-EARLY", "IMPORT"):
        cases[key].decide(almaty("2025-04-16 11:02"), "officer_review", decision="issue")
    for key in ("EXPORT-LATE", "EXCLUSIVE"):
        cases[key].decide(almaty("2025-04-18 10:00"), "officer_review", decision="issue")
    return {key: case.case_id for key, case in cases.items()}


def test_a_shorter_term_is_reported_on_exactly_the_cases_it_affects(orchestrator, recorded_cases):
    with orchestrator.store.unit_of_work() as session:
        found = {r.business_key: r for r in what_if(session, list(recorded_cases.values()), faster_routing())}

    assert {key for key, r in found.items() if r.affected} == {"EXPORT-EARLY", "EXPORT-LATE"}
    assert found["IMPORT"].explanation == found["EXCLUSIVE"].explanation == SAME
    assert "statutory_due_at '2025-04-17T18:30:00+05:00' instead of '2025-04-21T18:30:00+05:00'" in (
        found["EXPORT-EARLY"].explanation
    )
    assert not found["EXPORT-EARLY"].missed_deadline
    assert found["EXPORT-LATE"].missed_deadline
    assert "statutory deadline would be missed: due 2025-04-17 18:30, decision 2025-04-18 10:00" in (
        found["EXPORT-LATE"].explanation
    )


def test_a_what_if_deploys_nothing_and_changes_no_case(orchestrator, recorded_cases):
    with orchestrator.store.unit_of_work() as session:
        before = {c.id: (c.revision, c.state) for c in session.query(Case)}
        versions = session.query(ProcessDefinition).count()
        what_if(session, list(recorded_cases.values()), faster_routing())

    with orchestrator.store.unit_of_work() as session:
        assert {c.id: (c.revision, c.state) for c in session.query(Case)} == before
        assert session.query(ProcessDefinition).count() == versions


def test_the_unchanged_diagrams_take_the_same_path_everywhere(orchestrator, recorded_cases):
    unchanged = {"license_routing.dmn": (BPMN / "license_routing.dmn").read_bytes()}

    with orchestrator.store.unit_of_work() as session:
        results = what_if(session, list(recorded_cases.values()), unchanged)

    assert [r.explanation for r in results] == [SAME] * 4
