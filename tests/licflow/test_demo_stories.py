"""`licflow demo` submits exactly the seeded applications and acts as each story says."""

from __future__ import annotations

import pytest

from engine.dialect.xmlsafe import parse_xml
from licflow.demo_stories import HEARING, REVIEW, application_xml, seeded_stories
from procedure.portal.application_form import read_application

STORIES = seeded_stories()


@pytest.mark.parametrize("story", STORIES, ids=[s.applicant_id for s in STORIES])
def test_each_story_becomes_the_portal_application_of_its_seeded_variables(story):
    form = read_application(parse_xml(application_xml(story)))

    started = form.variables()
    seeded = story.application
    assert {name: started[name] for name in seeded} == {name: seeded.get(name) for name in seeded}


def test_a_clean_story_is_issued_and_a_refused_one_heard_on_its_grounds():
    by_id = {s.applicant_id: s for s in STORIES}
    assert by_id["150440001110"].decision(REVIEW) == {"decision": "issue"}
    court = by_id["101040012125"]  # bailiff's ban, ground 7; the demo leaves its hearing open
    assert court.decision(REVIEW)["decision"] == "preliminary_refusal"
    assert court.decision(REVIEW)["ground_7"] is True and court.decision(HEARING) is None
    fee = by_id["120940002220"]
    assert fee.decision(HEARING) == {
        "hearing_outcome": "refuse",
        "hearing_minutes": "heard; nothing new was shown",
        "ground_3": True,
    }


def test_the_officers_own_grounds_wait_for_a_person_and_automated_stories_need_no_officer():
    left_for_a_person = [s.applicant_id for s in STORIES if s.stops_at == REVIEW]
    assert len(left_for_a_person) == 5 and all(
        s.decision(REVIEW) is None for s in STORIES if s.stops_at == REVIEW
    )
    for story in STORIES:
        if story.story.startswith(("waiting for NSC", "not considered")):
            assert not story.acts and story.decision(REVIEW) is None
