"""The fee is 10 MCI in force on the payment day, paid to budget code 105402."""

from __future__ import annotations

from datetime import date

import pytest

from workers.fees import fee_due, judge_payment


@pytest.mark.parametrize(
    ("paid_on", "tenge"),
    [
        (date(2023, 12, 31), 34_500),
        (date(2024, 1, 1), 36_920),
        (date(2025, 6, 1), 39_320),
        (date(2026, 1, 5), 43_250),
    ],
)
def test_the_fee_is_ten_mci_of_the_payment_year(paid_on, tenge):
    assert fee_due(paid_on) == tenge


def test_a_payment_made_before_the_new_year_counts_at_the_old_mci():
    # 39 320 tenge paid on 31 December 2025 is enough, though 2026's fee is 43 250
    assert judge_payment(39_320, date(2025, 12, 31), "105402")[0] is True
    assert judge_payment(39_320, date(2026, 1, 2), "105402")[0] is False


def test_an_underpayment_or_a_wrong_budget_code_is_not_a_paid_fee():
    paid, why = judge_payment(39_319, date(2025, 3, 1), "105402")
    assert not paid and "39320" in why.replace(" ", "")
    assert judge_payment(50_000, date(2025, 3, 1), "105401")[0] is False


def test_a_year_without_a_known_mci_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="no MCI is known for 2031"):
        fee_due(date(2031, 1, 1))
