"""The shipped seed: valid identifiers, submittable applications, and every path of the procedure."""

from __future__ import annotations

import pytest

from standins.seed import Seed, SeedError, read_seed

MCI = {2023: 3450, 2024: 3692, 2025: 3932, 2026: 4325}
PERMIT_SECTIONS = {"2.12", "2.14", "2.17", "2.19", "2.22", "2.3"}
NSC_SECTIONS = {"2.17", "2.19"}
APPLICANTS = read_seed()["applicants"]


def control_digit(first_eleven: str) -> int | None:
    """The 12th digit of a Kazakh BIN or IIN, or None when no digit fits."""
    digits = [int(c) for c in first_eleven]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def ten_mci(paid_on: str) -> int:
    return 10 * MCI[int(paid_on[:4])]


def stories_with(word: str) -> list[str]:
    return [a["story"] for a in APPLICANTS if word in a["story"]]


@pytest.mark.parametrize("applicant", APPLICANTS, ids=[a["id"] for a in APPLICANTS])
def test_every_applicant_has_a_valid_bin_or_iin_a_story_and_a_submittable_application(applicant):
    application = applicant["application"]

    assert len(applicant["id"]) == 12 and applicant["id"].isdigit()
    assert control_digit(applicant["id"][:11]) == int(applicant["id"][11])
    assert applicant["story"]
    assert (application["applicant_id"], application["applicant_name"]) == (
        applicant["id"],
        applicant["name"],
    )
    assert application["kind"] in ("one_time", "general", "exclusive")
    assert application["direction"] in ("export", "import")
    assert "@" in application["applicant_email"]
    assert application["contract_number"] in [d["number"] for d in applicant["documents"]]


def test_every_fee_is_ten_mci_of_its_day_except_the_underpaid_one():
    payments = [(a["story"], p) for a in APPLICANTS for p in a["payments"]]
    short = [story for story, p in payments if p["amount"] < ten_mci(p["paid_on"])]

    assert short == stories_with("underpaid")
    assert all(p["amount"] == ten_mci(p["paid_on"]) for story, p in payments if story not in short)
    assert all(p["budget_code"] == "105402" for _, p in payments)


def test_only_the_unpaid_applicant_names_a_payment_the_gateway_does_not_know():
    seed = Seed(read_seed())
    unknown = [a["story"] for a in APPLICANTS if a["application"]["payment_reference"] not in seed.payments]

    assert unknown == stories_with("not paid")


def test_the_seed_covers_every_refusal_ground_that_other_systems_reveal():
    for ground in (3, 4, 5, 6, 7, 8):
        assert stories_with(f"ground {ground}"), f"no story refuses on ground {ground}"
    assert stories_with("issued")
    assert stories_with("waiting for NSC")
    assert stories_with("not considered")


def test_the_officer_finds_grounds_one_two_nine_and_ten_where_no_other_system_finds_anything():
    found_by_officer = [a for a in APPLICANTS if "officer" in a]
    grounds = {ground for a in found_by_officer for ground in a["officer"]["grounds"]}

    assert grounds == {1, 2, 9, 10}
    for applicant in found_by_officer:
        assert all(f"ground {g}" in applicant["story"] for g in applicant["officer"]["grounds"])
        assert applicant["officer"]["reasons"]
        assert applicant["registry"]["registered"] and applicant["registry"]["tax_registered"]
        assert not applicant["court_bans"] and not applicant["bailiff_bans"]
        assert {d["status"] for d in applicant["documents"]} == {"valid"}
    assert [a["officer"]["grounds"] for a in found_by_officer if a["officer"].get("late")] == [[1]]


def test_the_registry_paths_are_all_there():
    registries = [a["registry"] for a in APPLICANTS]

    assert None in registries
    assert any(r and not r["registered"] for r in registries)
    assert any(r and r["registered"] and not r["tax_registered"] for r in registries)


def test_some_applicant_lacks_the_permit_its_section_needs():
    lacking = [
        a["application"]["list_section"]
        for a in APPLICANTS
        if a["application"]["list_section"] in PERMIT_SECTIONS
        and a["application"]["list_section"] not in a["registry"]["activity_permits"]
    ]

    assert lacking and all(stories_with(f"section {section}") for section in lacking)


def test_the_nsc_answers_positive_negative_and_never():
    verdicts = {
        a["consultation"]["verdict"] for a in APPLICANTS if a["application"]["list_section"] in NSC_SECTIONS
    }

    assert verdicts == {"positive", "negative", "never"}


def test_bans_and_basis_documents_cover_each_status():
    assert any(ban["in_force"] for a in APPLICANTS for ban in a["court_bans"])
    assert any(not ban["in_force"] for a in APPLICANTS for ban in a["court_bans"])
    assert any(ban["in_force"] for a in APPLICANTS for ban in a["bailiff_bans"])
    statuses = {d["status"] for a in APPLICANTS for d in a["documents"]}
    assert statuses == {"valid", "terminated", "suspended"}


def test_a_seed_naming_a_payment_twice_is_refused():
    payment = {"reference": "PAY-1", "amount": 43250, "paid_on": "2026-11-16"}
    seed = {
        "applicants": [
            {"id": "150440001110", "kind": "legal_entity", "name": "A", "payments": [payment]},
            {"id": "120940002220", "kind": "legal_entity", "name": "B", "payments": [payment]},
        ]
    }

    with pytest.raises(SeedError, match="PAY-1"):
        Seed(seed)


def test_a_seed_with_an_unknown_verdict_is_refused():
    seed = {
        "applicants": [{"id": "1", "kind": "individual", "name": "A", "consultation": {"verdict": "maybe"}}]
    }

    with pytest.raises(SeedError, match="maybe"):
        Seed(seed)
