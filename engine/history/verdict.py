"""Say what a replay found in one sentence a person can read."""

from __future__ import annotations

from datetime import datetime

from engine import clock
from engine.history.replay import Replay


def local(moment: datetime) -> str:
    """Write `moment` as wall time in the engine's zone, to the minute."""
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


def deadline_clause(replay: Replay) -> str | None:
    """Say whether the statutory due time was met, or None when the case has none."""
    due = replay.statutory_due_at
    if due is None:
        return None
    if replay.decided_at is None:
        return f"statutory due time {local(due)}; no decision yet"
    met = "met" if replay.decided_at <= due else "missed"
    return f"statutory due time {local(due)} {met} (decision {local(replay.decided_at)})"


def verdict(replay: Replay) -> str:
    """Return the replay's verdict, e.g. "outcome reproduced; 14 events; statutory due time ... met"."""
    if replay.divergence is not None:
        d = replay.divergence
        return f"diverged at step {d.step} of {replay.steps} (event {d.seq}): {d.how}"
    parts = ["outcome reproduced", f"{replay.events} events"]
    clause = deadline_clause(replay)
    if clause:
        parts.append(clause)
    return "; ".join(parts)
