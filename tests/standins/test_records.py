"""The read-only records: state registry, courts, bailiffs and basis documents."""

from __future__ import annotations


def test_health_answers_ok(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_a_registered_legal_entity_is_shown_with_its_permits(client):
    answer = client.get("/registry/subjects/190640015155")

    assert answer.status_code == 200
    assert answer.get_json() == {
        "id": "190640015155",
        "kind": "legal_entity",
        "name": "Qorgau Security LLP",
        "registered": True,
        "tax_registered": True,
        "activity_permits": ["2.19"],
    }


def test_an_individual_is_shown_as_an_individual(client):
    assert client.get("/registry/subjects/850315301235").get_json()["kind"] == "individual"


def test_registration_and_tax_registration_are_told_apart(client):
    ended = client.get("/registry/subjects/160740005552").get_json()
    untaxed = client.get("/registry/subjects/200140006668").get_json()

    assert (ended["registered"], ended["tax_registered"]) == (False, False)
    assert (untaxed["registered"], untaxed["tax_registered"]) == (True, False)


def test_a_bin_or_iin_the_registry_does_not_know_is_404(client):
    assert client.get("/registry/subjects/910722400160").status_code == 404
    assert client.get("/registry/subjects/000000000000").status_code == 404


def test_a_court_ban_in_force_is_listed(client):
    answer = client.get("/courts/bans?applicant_id=210840010108")

    assert answer.get_json() == {
        "bans": [
            {
                "case_number": "2-1457/2026",
                "activity": "foreign trade in goods under non-tariff regulation",
                "in_force": True,
                "decided_on": "2026-09-14",
            }
        ]
    }


def test_a_court_ban_no_longer_in_force_is_listed_as_such(client):
    bans = client.get("/courts/bans?applicant_id=131240011117").get_json()["bans"]

    assert [ban["in_force"] for ban in bans] == [False]


def test_an_applicant_without_bans_gets_empty_lists(client):
    assert client.get("/courts/bans?applicant_id=150440001110").get_json() == {"bans": []}
    assert client.get("/bailiffs/bans?applicant_id=150440001110").get_json() == {"bans": []}
    assert client.get("/courts/bans?applicant_id=000000000000").get_json() == {"bans": []}


def test_a_bailiff_ban_is_listed(client):
    answer = client.get("/bailiffs/bans?applicant_id=101040012125")

    assert answer.get_json() == {
        "bans": [{"proceeding_number": "02-0712-26-00/1834", "in_force": True, "issued_on": "2026-10-02"}]
    }


def test_ban_lists_need_the_applicant_id(client):
    assert client.get("/courts/bans").status_code == 400
    assert client.get("/bailiffs/bans").status_code == 400


def test_a_basis_document_is_shown_with_its_status_and_end(client):
    answer = client.get("/documents/C-2026-1110?applicant_id=150440001110")

    assert answer.get_json() == {
        "number": "C-2026-1110",
        "applicant_id": "150440001110",
        "status": "valid",
        "ends_on": "2027-09-30",
    }


def test_terminated_and_suspended_contracts_say_so(client):
    terminated = client.get("/documents/C-2026-3132?applicant_id=220240013132").get_json()
    suspended = client.get("/documents/C-2026-4142?applicant_id=161040014142").get_json()

    assert (terminated["status"], suspended["status"]) == ("terminated", "suspended")


def test_another_applicants_document_is_404(client):
    assert client.get("/documents/C-2026-1110?applicant_id=220240013132").status_code == 404
    assert client.get("/documents/C-0000-0000?applicant_id=150440001110").status_code == 404


def test_a_document_look_up_needs_the_applicant_id(client):
    assert client.get("/documents/C-2026-1110").status_code == 400


def test_an_unknown_path_answers_json(client):
    answer = client.get("/nowhere")

    assert answer.status_code == 404
    assert "error" in answer.get_json()
