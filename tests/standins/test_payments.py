"""The payment gateway: look a fee up, use it for one application only."""

from __future__ import annotations

CLEAN = "PAY-2026-1110"  # Dala Trade LLP, 10 MCI of 2026
USED = "PAY-2026-4442"  # Shanyrak Agro LLP, already used by LIC-2026-000017


def test_a_paid_fee_is_shown_with_its_payer_amount_day_and_budget_code(client):
    answer = client.get(f"/payments/{CLEAN}")

    assert answer.status_code == 200
    assert answer.get_json() == {
        "reference": CLEAN,
        "payer_id": "150440001110",
        "amount": 43250,
        "paid_on": "2026-11-16",
        "budget_code": "105402",
        "used_by": None,
    }


def test_an_unknown_reference_is_404_with_a_reason(client):
    answer = client.get("/payments/PAY-2026-9999")

    assert answer.status_code == 404
    assert "PAY-2026-9999" in answer.get_json()["error"]


def test_using_a_payment_marks_it_used_by_the_application(client):
    answer = client.post(f"/payments/{CLEAN}/use", json={"application": "APP-1", "idempotency_key": "k-1"})

    assert answer.status_code == 200
    assert answer.get_json()["used_by"] == "APP-1"
    assert client.get(f"/payments/{CLEAN}").get_json()["used_by"] == "APP-1"


def test_using_it_again_for_the_same_application_answers_the_same(client):
    first = client.post(f"/payments/{CLEAN}/use", json={"application": "APP-1", "idempotency_key": "k-1"})
    again = client.post(f"/payments/{CLEAN}/use", json={"application": "APP-1", "idempotency_key": "k-2"})

    assert again.status_code == 200
    assert again.get_json() == first.get_json()


def test_a_retry_with_the_same_idempotency_key_answers_the_same(client):
    first = client.post(f"/payments/{CLEAN}/use", json={"application": "APP-1", "idempotency_key": "k-1"})
    retry = client.post(f"/payments/{CLEAN}/use", json={"application": "APP-1b", "idempotency_key": "k-1"})

    assert retry.status_code == 200
    assert retry.get_json() == first.get_json()


def test_another_application_cannot_use_a_used_payment(client):
    client.post(f"/payments/{CLEAN}/use", json={"application": "APP-1", "idempotency_key": "k-1"})

    answer = client.post(f"/payments/{CLEAN}/use", json={"application": "APP-2", "idempotency_key": "k-9"})

    assert answer.status_code == 409
    assert answer.get_json() == {"error": "payment already used by APP-1"}
    assert client.get(f"/payments/{CLEAN}").get_json()["used_by"] == "APP-1"


def test_a_payment_the_seed_marks_used_refuses_a_new_application(client):
    assert client.get(f"/payments/{USED}").get_json()["used_by"] == "LIC-2026-000017"

    answer = client.post(f"/payments/{USED}/use", json={"application": "APP-3", "idempotency_key": "k-3"})

    assert answer.status_code == 409
    assert "LIC-2026-000017" in answer.get_json()["error"]


def test_using_an_unknown_payment_is_404(client):
    answer = client.post("/payments/PAY-2026-9999/use", json={"application": "APP-1", "idempotency_key": "k"})

    assert answer.status_code == 404


def test_a_use_without_an_application_is_400_and_uses_nothing(client):
    answer = client.post(f"/payments/{CLEAN}/use", json={"idempotency_key": "k-1"})

    assert answer.status_code == 400
    assert "application" in answer.get_json()["error"]
    assert client.get(f"/payments/{CLEAN}").get_json()["used_by"] is None


def test_a_body_that_is_not_a_json_object_is_400(client):
    answer = client.post(f"/payments/{CLEAN}/use", data="[1, 2]", content_type="application/json")

    assert answer.status_code == 400
