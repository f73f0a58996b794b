"""How long a license lasts (para 5)."""

from __future__ import annotations

from tests.procedure.world import almaty


def test_a_one_time_license_ends_with_the_document_it_is_based_on(procedure, world):
    # Given a one-time license based on a certificate ending before the contract does
    procedure.submit(
        contract_end="2026-03-31", basis_document_number="CERT-17", basis_document_end="2025-11-30"
    )
    procedure.decide(almaty("2025-04-16 11:00"), "officer_review", decision="issue")

    # Then it is valid until the certificate ends, and its records are kept 3 years from then
    assert procedure.variables()["valid_until"] == "2025-11-30"
    procedure.wait_until(almaty("2025-12-01 10:00"))
    assert [t.status for t in procedure.timers("license_expired")] == ["fired"]
    procedure.wait_until(almaty("2028-12-01 10:00"))  # 30 November 2028 + 1 working day
    assert world.effects_of("records_destroyed")[0]["kept_from"] == "2025-11-30"


def test_a_one_time_license_lasts_at_most_a_year_whatever_its_documents_say(procedure, world):
    procedure.submit(
        contract_end="2027-12-31", basis_document_number="CERT-18", basis_document_end="2027-12-31"
    )
    procedure.decide(almaty("2025-04-16 11:00"), "officer_review", decision="issue")
    assert procedure.variables()["valid_until"] == "2026-04-15"


def test_a_general_license_is_not_cut_to_a_contract(procedure, world):
    procedure.submit(kind="general", contract_end="2025-06-30", basis_document_end="2025-06-30")
    procedure.decide(almaty("2025-04-16 11:00"), "officer_review", decision="issue")
    assert procedure.variables()["valid_until"] == "2026-04-15"
