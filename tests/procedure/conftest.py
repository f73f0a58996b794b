"""Fixtures for the license procedure's scenarios."""

from __future__ import annotations

import pytest

from engine.history.replay import replay_case
from engine.history.verdict import verdict
from tests.procedure.harness import Procedure
from tests.procedure.world import World


@pytest.fixture
def world() -> World:
    """Outside systems that know a paid fee, a qualified applicant and no bans."""
    return World()


@pytest.fixture
def procedure(request, orchestrator, world):
    """The deployed license procedure over a fresh store; afterwards its case must replay."""
    procedure = Procedure(orchestrator, world)
    yield procedure
    skip = getattr(request.node, "scenario_failed", False) or request.node.get_closest_marker(
        "history_edited"
    )
    if procedure.case_id is not None and not skip:
        with orchestrator.store.unit_of_work() as session:
            replay = replay_case(session, procedure.case_id)
        assert replay.reproduced, verdict(replay)


def pytest_configure(config):
    config.addinivalue_line("markers", "history_edited: the scenario edits its own history on purpose")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Mark a scenario that failed, so that its replay is not checked on top."""
    report = yield
    if report.when == "call" and report.failed:
        item.scenario_failed = True
    return report
