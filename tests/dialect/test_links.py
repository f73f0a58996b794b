"""Link events: the path leaves at a link throw event and goes on at the catch of the same name."""

from __future__ import annotations

from tests.dialect import drive


def test_a_link_throw_event_jumps_to_the_link_catch_event_of_its_name(orchestrator):
    drive.deploy(orchestrator, "link_events")
    case_id = orchestrator.start_case("dialect_links")

    drive.work(orchestrator, "dialect.register")

    assert drive.completed_elements(orchestrator, case_id) == [
        "start",
        "register",
        "to_review",
        "from_register",
    ]
    assert drive.open_elements(orchestrator, case_id) == ["review"]
