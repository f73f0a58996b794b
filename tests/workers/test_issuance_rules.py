"""License numbers and validity (para 5; EEC Board Decision 199)."""

from __future__ import annotations

from datetime import date

import pytest

from workers.completeness import required_documents
from workers.issuance import license_number, section_code, validity


def test_a_license_number_has_sixteen_characters_in_the_eec_order():
    number = license_number("2.19", 2025, "001", 42)
    assert number == "219KZ25001000042"
    assert len(number) == 16


@pytest.mark.parametrize(
    ("section", "code"), [("2.1", "201"), ("2.3", "203"), ("2.19", "219"), ("2.22", "222")]
)
def test_list_sections_become_three_characters(section, code):
    assert section_code(section) == code


@pytest.mark.parametrize("bad", ["219", "2.", "x.1", "2.123"])
def test_a_malformed_section_is_refused(bad):
    with pytest.raises(ValueError):
        section_code(bad)


def test_a_one_time_license_lasts_at_most_a_year_and_not_past_its_contract():
    assert validity("one_time", date(2025, 4, 16), None, None) == date(2026, 4, 15)
    assert validity("one_time", date(2025, 4, 16), "2025-12-31", None) == date(2025, 12, 31)
    assert validity("one_time", date(2025, 4, 16), "2027-01-01", None) == date(2026, 4, 15)


def test_a_one_time_license_ends_no_later_than_the_document_it_is_based_on():
    # para 5: the term may be limited by the contract's, or by the basis document's
    assert validity("one_time", date(2025, 4, 16), "2025-12-31", None, "2025-09-30") == date(2025, 9, 30)
    assert validity("one_time", date(2025, 4, 16), "2025-08-31", None, "2025-09-30") == date(2025, 8, 31)
    assert validity("one_time", date(2025, 4, 16), None, None, "2027-01-01") == date(2026, 4, 15)


def test_a_general_license_is_capped_at_a_year_whatever_the_contract():
    assert validity("general", date(2024, 2, 29), "2024-06-01", None) == date(2025, 2, 27)


def test_an_exclusive_license_lasts_as_the_government_decision_says():
    assert validity("exclusive", date(2025, 4, 16), None, "2028-06-30") == date(2028, 6, 30)
    with pytest.raises(ValueError, match="government_decision_until"):
        validity("exclusive", date(2025, 4, 16), None, None)


def test_a_receipt_is_needed_only_without_a_gateway_payment():
    assert required_documents("one_time", "PAY-1") == ["application", "contract"]
    assert "fee_receipt" in required_documents("one_time", None)
    assert "government_decision" in required_documents("exclusive", "PAY-1")
