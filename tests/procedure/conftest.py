"""Fixtures for the license procedure's scenarios."""

from __future__ import annotations

import pytest

from tests.procedure.harness import Procedure
from tests.procedure.world import World


@pytest.fixture
def world() -> World:
    """Outside systems that know a paid fee, a qualified applicant and no bans."""
    return World()


@pytest.fixture
def procedure(orchestrator, world) -> Procedure:
    """The deployed license procedure over a fresh store."""
    return Procedure(orchestrator, world)
