"""Fee verification (appendix 1 item 8, refusal ground 3).

The fee is 10 MCI, at the MCI in force on the day of payment, paid to budget code
105402: through the payment gateway (looked up by the application's payment
reference, and marked as used by this application so one payment never pays twice),
or proven by the applicant's receipt.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine.worker import TaskContext, WorkerRegistry
from workers.outside import outside, require

registry = WorkerRegistry()
MCI_TABLE = Path(__file__).with_name("mci.json")


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    return json.loads(MCI_TABLE.read_text(encoding="utf-8"))


def fee_due(paid_on: date) -> int:
    """Return the fee in tenge for a payment made on `paid_on`: 10 MCI of that year."""
    table = _table()
    mci = table["mci_by_year"].get(str(paid_on.year))
    if mci is None:
        raise ValueError(f"no MCI is known for {paid_on.year}; add it to {MCI_TABLE.name}")
    return table["fee_in_mci"] * mci


def judge_payment(amount: int, paid_on: date, budget_code: str) -> tuple[bool, str]:
    """Return (paid, why) for a payment of `amount` tenge on `paid_on` to `budget_code`."""
    required = fee_due(paid_on)
    if budget_code != _table()["budget_code"]:
        return False, f"paid to budget code {budget_code}, not {_table()['budget_code']}"
    if amount < required:
        return False, f"paid {amount} tenge, 10 MCI on {paid_on.isoformat()} is {required} tenge"
    return True, f"paid {amount} tenge on {paid_on.isoformat()} (10 MCI = {required} tenge)"


@registry.topic("fee.verify")
def verify_fee(payment_reference, fee_receipt, context: TaskContext):
    """Find the payment and judge it; an unpaid fee is a finding for the officer, not an error."""
    if payment_reference:
        return _through_gateway(payment_reference, context)
    if fee_receipt:
        return _by_receipt(fee_receipt)
    return _verdict(False, "none", "no payment reference and no receipt", None, None)


def _through_gateway(reference: str, context: TaskContext) -> dict[str, Any]:
    payment = outside().get(f"/payments/{reference}")
    if payment is None:
        return _verdict(
            False, "payment_gateway", f"the payment gateway knows no payment {reference}", None, None
        )
    payment = require(payment, "amount", "paid_on", "budget_code", what="payment gateway")
    paid_on = date.fromisoformat(payment["paid_on"])
    paid, why = judge_payment(int(payment["amount"]), paid_on, str(payment["budget_code"]))
    if paid:
        used = outside().post(
            f"/payments/{reference}/use",
            {"application": context.business_key, "idempotency_key": context.idempotency_key},
        )
        if used is not None and used.get("status") == 409:
            paid, why = False, used.get("error", "the payment already paid for another application")
    return _verdict(paid, "payment_gateway", why, int(payment["amount"]), paid_on)


def _by_receipt(receipt: dict[str, Any]) -> dict[str, Any]:
    try:
        amount, paid_on = int(receipt["amount"]), date.fromisoformat(receipt["paid_on"])
        budget_code = str(receipt.get("budget_code", ""))
    except (KeyError, TypeError, ValueError) as error:
        return _verdict(False, "receipt", f"the receipt cannot be read: {error}", None, None)
    paid, why = judge_payment(amount, paid_on, budget_code)
    return _verdict(paid, "receipt", why, amount, paid_on)


def _verdict(paid: bool, source: str, why: str, amount: int | None, paid_on: date | None) -> dict[str, Any]:
    return {
        "fee_paid": paid,
        "fee_findings": {
            "source": source,
            "finding": why,
            "amount": amount,
            "paid_on": paid_on.isoformat() if paid_on else None,
        },
    }
