"""Consultations: requests are kept by request id, answers come when the seed says."""

from __future__ import annotations

from tests.standins.conftest import TOKEN

NSC_POSITIVE = "190640015155"  # Qorgau Security LLP: the NSC agrees after 20 s
NSC_NEGATIVE = "230340017170"  # Tengri Signal LLP: the NSC refuses after 20 s
NSC_NEVER = "200940018185"  # Shygys Telecom LLP: the NSC never answers


def request(applicant_id: str, request_id: str = "REQ-1", business_key: str = "APP-1") -> dict:
    return {
        "body": "nsc",
        "business_key": business_key,
        "applicant_id": applicant_id,
        "list_section": "2.19",
        "request_id": request_id,
    }


def test_a_request_is_received(client):
    answer = client.post("/consultations", json=request(NSC_POSITIVE))

    assert answer.status_code == 202
    assert answer.get_json() == {"request_id": "REQ-1", "status": "received"}
    assert client.get("/consultations/REQ-1").get_json()["status"] == "received"


def test_the_same_request_twice_is_one_consultation(client, app, clock):
    client.post("/consultations", json=request(NSC_POSITIVE))
    clock.advance(seconds=3)

    again = client.post("/consultations", json=request(NSC_POSITIVE))

    assert again.status_code == 202
    assert again.get_json() == {"request_id": "REQ-1", "status": "received"}
    assert len(client.get("/consultations").get_json()["consultations"]) == 1
    assert client.get("/consultations/REQ-1").get_json()["answer_due_at"] == "2026-11-26T05:00:20+00:00"


def test_a_request_id_reused_for_another_case_is_409(client):
    client.post("/consultations", json=request(NSC_POSITIVE, business_key="APP-1"))

    answer = client.post("/consultations", json=request(NSC_POSITIVE, business_key="APP-2"))

    assert answer.status_code == 409


def test_a_request_without_a_business_key_is_400(client):
    body = request(NSC_POSITIVE)
    del body["business_key"]

    assert client.post("/consultations", json=body).status_code == 400


def test_an_unknown_consultation_is_404(client):
    assert client.get("/consultations/nope").status_code == 404
    assert client.post("/consultations/nope/answer", json={"verdict": "positive"}).status_code == 404


def test_nothing_is_delivered_before_the_answer_is_due(client, app, clock, engine):
    client.post("/consultations", json=request(NSC_POSITIVE))
    clock.advance(seconds=19)

    assert app.standins.courier.deliver_due_answers() == []
    assert engine.messages == []


def test_a_positive_answer_is_delivered_to_licflow_when_due(client, app, clock, engine):
    client.post("/consultations", json=request(NSC_POSITIVE))
    clock.advance(seconds=20)

    delivered = app.standins.courier.deliver_due_answers()

    assert [c.request_id for c in delivered] == ["REQ-1"]
    assert engine.messages == [
        {
            "messageName": "consultation_answer",
            "businessKey": "APP-1",
            "processVariables": {
                "consultation_positive": True,
                "consultation_reasons": "",
                "consultation_body": "nsc",
                "consultation_answered_on": "2026-11-26",
            },
        }
    ]
    assert engine.authorizations == [f"Bearer {TOKEN}"]
    shown = client.get("/consultations/REQ-1").get_json()
    assert (shown["status"], shown["answered_on"], shown["delivery_attempts"]) == (
        "answered",
        "2026-11-26",
        1,
    )


def test_an_answer_is_delivered_once(client, app, clock, engine):
    client.post("/consultations", json=request(NSC_POSITIVE))
    clock.advance(seconds=20)
    app.standins.courier.deliver_due_answers()
    clock.advance(seconds=600)

    assert app.standins.courier.deliver_due_answers() == []
    assert len(engine.messages) == 1


def test_a_negative_answer_carries_its_reasons(client, app, clock, engine):
    client.post("/consultations", json=request(NSC_NEGATIVE))
    clock.advance(seconds=20)

    app.standins.courier.deliver_due_answers()

    variables = engine.messages[0]["processVariables"]
    assert variables["consultation_positive"] is False
    assert "special technical means" in variables["consultation_reasons"]


def test_an_answer_due_after_midnight_in_almaty_is_dated_that_day(client, app, clock, engine):
    clock.advance(seconds=13 * 3600 + 59 * 60 + 50)  # 23:59:50 in Asia/Almaty
    client.post("/consultations", json=request(NSC_POSITIVE))
    clock.advance(seconds=20)

    app.standins.courier.deliver_due_answers()

    assert engine.messages[0]["processVariables"]["consultation_answered_on"] == "2026-11-27"


def test_a_body_that_never_answers_sends_nothing(client, app, clock, engine):
    client.post("/consultations", json=request(NSC_NEVER))
    clock.advance(seconds=30 * 24 * 3600)

    assert app.standins.courier.deliver_due_answers() == []
    shown = client.get("/consultations/REQ-1").get_json()
    assert (shown["status"], shown["verdict"], shown["answer_due_at"]) == ("received", "never", None)


def test_an_applicant_the_seed_does_not_plan_for_gets_the_default_answer(client, app, clock, engine):
    client.post("/consultations", json=request("150440001110"))
    clock.advance(seconds=5)

    app.standins.courier.deliver_due_answers()

    assert engine.messages[0]["processVariables"]["consultation_positive"] is True


def test_a_person_can_make_a_silent_body_answer_now(client, engine):
    client.post("/consultations", json=request(NSC_NEVER))

    answer = client.post(
        "/consultations/REQ-1/answer", json={"verdict": "negative", "reasons": "late and no"}
    )

    assert answer.status_code == 200
    assert answer.get_json()["status"] == "answered"
    assert engine.messages[0]["processVariables"]["consultation_positive"] is False
    assert engine.messages[0]["processVariables"]["consultation_reasons"] == "late and no"


def test_an_answer_already_delivered_cannot_be_given_again(client):
    client.post("/consultations", json=request(NSC_NEVER))
    client.post("/consultations/REQ-1/answer", json={"verdict": "positive"})

    again = client.post("/consultations/REQ-1/answer", json={"verdict": "negative"})

    assert again.status_code == 409


def test_an_answer_must_be_positive_or_negative(client):
    client.post("/consultations", json=request(NSC_NEVER))

    assert client.post("/consultations/REQ-1/answer", json={"verdict": "never"}).status_code == 400
    assert client.post("/consultations/REQ-1/answer", json={}).status_code == 400
