"""The language of an application: signed with it, kept by its case, Kazakh when left out."""

from __future__ import annotations

import pytest

from procedure.portal.views import case_variables
from store.models import PortalApplication
from tests.web.portal.conftest import counts, submit


def language_of_the_case(deployed) -> str:
    with deployed.transaction() as session:
        return case_variables(session, session.query(PortalApplication).one().case_id)["language"]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_language_the_applicant_signed_is_the_cases(
    deployed, client, applicants, authority, keys, language
):
    answer = submit(client, authority.signed(keys.dala, language=language), applicants.dala)

    assert answer.status_code == 201
    assert language_of_the_case(deployed) == language


def test_an_application_naming_no_language_is_answered_in_kazakh(
    deployed, client, applicants, authority, keys
):
    answer = submit(client, authority.signed(keys.dala), applicants.dala)

    assert answer.status_code == 201
    assert language_of_the_case(deployed) == "kk"  # the state language


def test_a_language_licflow_does_not_write_in_is_refused_and_nothing_starts(
    deployed, client, applicants, authority, keys
):
    answer = submit(client, authority.signed(keys.dala, language="de"), applicants.dala)

    assert answer.status_code == 422
    message = answer.get_json()["errors"]["language"]
    assert "'de'" in message and all(code in message for code in ("kk", "ru", "en"))
    assert counts(deployed) == (0, 0)
