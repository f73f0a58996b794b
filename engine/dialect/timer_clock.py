"""Make SpiffWorkflow's timer events read the engine's clock instead of the wall clock.

SpiffWorkflow's timer event definitions call `datetime.now(timezone.utc)` to start a
duration and to decide whether a timer is due. Replay must see the recorded clock
reading there too, so that module's `datetime` is swapped for one whose `now()` asks
`engine.clock` (which `time-machine` still moves in tests).
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine import clock


class EngineDatetime(datetime):
    """A `datetime` whose `now()` is the engine's clock."""

    @classmethod
    def now(cls, tz=None):
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)


def install() -> None:
    """Point SpiffWorkflow's timer events at the engine's clock (idempotent)."""
    spiff_timer.datetime = EngineDatetime
