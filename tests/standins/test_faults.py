"""Injected faults: error statuses, malformed bodies and slow answers under a path prefix."""

from __future__ import annotations

import json
import time

import pytest

from standins.app import create_app
from standins.seed import read_seed

PAYMENT = "/payments/PAY-2026-1110"


def fault(client, **fields):
    return client.post("/_faults", json=fields)


def test_the_next_requests_under_the_prefix_fail_with_the_status_then_recover(client):
    assert fault(client, path_prefix="/payments", fail_times=2, status=503).status_code == 201

    statuses = [client.get(PAYMENT).status_code for _ in range(3)]

    assert statuses == [503, 503, 200]


def test_a_failed_answer_is_json_naming_the_injected_fault(client):
    fault(client, path_prefix="/payments", fail_times=1, status=502)

    assert client.get(PAYMENT).get_json() == {"error": "injected fault: status 502"}


def test_requests_under_other_prefixes_are_untouched(client):
    fault(client, path_prefix="/payments", fail_times=1)

    assert client.get("/courts/bans?applicant_id=150440001110").status_code == 200
    assert client.get(PAYMENT).status_code == 503


def test_malformed_bodies_follow_the_failures(client):
    fault(client, path_prefix="/payments", fail_times=1, status=500, malformed_times=1)

    failed, malformed, fine = (client.get(PAYMENT) for _ in range(3))

    assert failed.status_code == 500
    assert malformed.status_code == 200
    assert malformed.content_type == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed.get_data(as_text=True))
    assert fine.get_json()["reference"] == "PAY-2026-1110"


def test_a_faulted_request_changes_nothing(client):
    fault(client, path_prefix="/payments", fail_times=1)

    client.post(f"{PAYMENT}/use", json={"application": "APP-1", "idempotency_key": "k"})

    assert client.get(PAYMENT).get_json()["used_by"] is None


def test_every_matching_request_waits_the_delay_first(client):
    fault(client, path_prefix="/registry", delay_seconds=0.2)

    started = time.monotonic()
    slow = client.get("/registry/subjects/150440001110")
    slow_seconds = time.monotonic() - started
    started = time.monotonic()
    client.get(PAYMENT)
    fast_seconds = time.monotonic() - started

    assert slow.status_code == 200
    assert slow_seconds >= 0.2
    assert fast_seconds < 0.2


def test_the_longest_matching_prefix_applies(client):
    fault(client, path_prefix="/payments", fail_times=5, status=503)
    fault(client, path_prefix="/payments/PAY-2026-1110", fail_times=1, status=500)

    assert client.get(PAYMENT).status_code == 500
    assert client.get(PAYMENT).status_code == 200
    assert client.get("/payments/PAY-2026-7770").status_code == 503


def test_deleting_the_faults_clears_them(client):
    fault(client, path_prefix="/", fail_times=5)

    assert client.delete("/_faults").status_code == 204
    assert client.get(PAYMENT).status_code == 200
    assert client.get("/_faults").get_json() == {"faults": []}


def test_the_fault_api_itself_is_never_faulted(client):
    fault(client, path_prefix="/", fail_times=5)

    listing = client.get("/_faults").get_json()["faults"]

    assert [(f["path_prefix"], f["fail_times"]) for f in listing] == [("/", 5)]


@pytest.mark.parametrize(
    "fields",
    [
        {"fail_times": 1},
        {"path_prefix": "payments"},
        {"path_prefix": "/payments", "fail_times": -1},
        {"path_prefix": "/payments", "status": 200},
        {"path_prefix": "/payments", "delay_seconds": "slow"},
        {"path_prefix": "/payments", "delay_seconds": 3600},
    ],
)
def test_a_fault_that_does_not_make_sense_is_400(client, fields):
    assert fault(client, **fields).status_code == 400


def test_faults_can_be_preset_in_the_seed():
    seed = read_seed()
    seed["faults"] = [{"path_prefix": "/courts", "fail_times": 1, "status": 504}]
    app = create_app(seed, {"TESTING": True})
    client = app.test_client()
    try:
        assert client.get("/courts/bans?applicant_id=150440001110").status_code == 504
        assert client.get("/courts/bans?applicant_id=150440001110").status_code == 200
    finally:
        app.shutdown()
