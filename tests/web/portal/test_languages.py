"""The portal API answers in the request's Accept-Language: Kazakh by default, Russian, English."""

from __future__ import annotations

from tests.web.portal.conftest import submit


def test_a_request_without_credentials_is_refused_in_kazakh_unless_another_language_is_asked(client):
    kazakh = client.get("/api/portal/applications", headers={"Accept-Language": ""})
    russian = client.get("/api/portal/applications", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    english = client.get("/api/portal/applications", headers={"Accept-Language": "en"})
    assert {kazakh.status_code, russian.status_code, english.status_code} == {401}
    assert {kazakh.get_json()["type"], russian.get_json()["type"]} == {"Unauthorized"}
    assert "Көрсетілетін қызметті алушы ретінде" in kazakh.get_json()["message"]
    assert "как услугополучатель" in russian.get_json()["message"]
    assert english.get_json()["message"] == "Sign in with HTTP Basic as an applicant."


def test_a_query_out_of_range_names_the_parameter_in_russian(client, applicants):
    answer = client.get(
        "/api/portal/applications?per_page=500", headers={**applicants.dala, "Accept-Language": "ru"}
    )
    body = answer.get_json()
    assert answer.status_code == 400 and body["type"] == "QueryInvalid"
    assert body["errors"] == {"per_page": "должно быть целым числом от 1 до 50"}


def test_a_refusal_without_a_wording_in_the_catalogs_says_its_kind_and_keeps_the_english_detail(
    deployed, client, applicants, authority, keys
):
    document = authority.signed(keys.dala).replace(b"PAY-2026-1110", b"PAY-9")  # changed after signing
    answer = submit(client, document, {**applicants.dala, "Accept-Language": "kk"})
    body = answer.get_json()
    assert answer.status_code == 422 and body["type"] == "SignatureInvalid"
    assert body["message"] == "Құжаттың қолтаңбасы жарамсыз немесе құжат қол қойылғаннан кейін өзгертілген."
    assert body["detail"] and body["detail"] != body["message"]


def test_the_plain_word_status_is_in_the_language_asked_and_the_code_stays(
    deployed, client, applicants, authority, keys
):
    number = submit(client, authority.signed(keys.dala), applicants.dala).get_json()["number"]
    url = f"/api/portal/applications/{number}"
    kazakh = client.get(url, headers={**applicants.dala, "Accept-Language": "kk"}).get_json()
    russian = client.get(url, headers={**applicants.dala, "Accept-Language": "ru"}).get_json()
    assert kazakh["status"] == russian["status"] == "registered"
    assert (kazakh["status_text"], russian["status_text"]) == ("Тіркелді", "Зарегистрировано")
