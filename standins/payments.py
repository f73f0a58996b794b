"""The e-government payment gateway: look up a fee payment, and use it for one application."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, jsonify

from standins.requests import json_object, optional_text, required_text
from standins.seed import Seed

BUDGET_CODE = "105402"  # budget classification code of the license fee

bp = Blueprint("payments", __name__, url_prefix="/payments")


class PaymentUsedElsewhere(Exception):
    """The payment was already used by another application."""


@dataclass(frozen=True)
class PaymentUse:
    """Which application used a payment, and under which idempotency key."""

    application: str
    idempotency_key: str | None = None


class PaymentLedger:
    """The seeded payments and which application each one was used by."""

    def __init__(self, seed: Seed) -> None:
        self._payments = seed.payments
        self._uses = {
            reference: PaymentUse(payment["used_by"])
            for reference, payment in seed.payments.items()
            if payment.get("used_by")
        }
        self._lock = threading.Lock()

    def payment(self, reference: str) -> dict[str, Any] | None:
        """Return the payment with `reference` as the gateway shows it, or None."""
        payment = self._payments.get(reference)
        if payment is None:
            return None
        use = self._uses.get(reference)
        return {
            "reference": reference,
            "payer_id": payment["payer_id"],
            "amount": payment["amount"],
            "paid_on": payment["paid_on"],
            "budget_code": payment.get("budget_code", BUDGET_CODE),
            "used_by": use.application if use else None,
        }

    def use(self, reference: str, application: str, idempotency_key: str | None) -> None:
        """Record that `application` used the payment; repeating the same use changes nothing."""
        with self._lock:
            earlier = self._uses.get(reference)
            if earlier is None:
                self._uses[reference] = PaymentUse(application, idempotency_key)
            elif earlier.application != application and (
                idempotency_key is None or idempotency_key != earlier.idempotency_key
            ):
                raise PaymentUsedElsewhere(f"payment already used by {earlier.application}")


def _ledger() -> PaymentLedger:
    return current_app.extensions["standins"].payments


def _not_found(reference: str):
    return jsonify(error=f"no payment with reference {reference}"), 404


@bp.get("/<reference>")
def show_payment(reference: str):
    """Answer the payment with this reference."""
    payment = _ledger().payment(reference)
    return jsonify(payment) if payment else _not_found(reference)


@bp.post("/<reference>/use")
def use_payment(reference: str):
    """Use the payment for one application; the same use again answers the same."""
    body = json_object()
    if _ledger().payment(reference) is None:
        return _not_found(reference)
    try:
        _ledger().use(reference, required_text(body, "application"), optional_text(body, "idempotency_key"))
    except PaymentUsedElsewhere as error:
        return jsonify(error=str(error)), 409
    return jsonify(_ledger().payment(reference))
