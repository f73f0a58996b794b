"""Replay recorded cases against a changed diagram, deploying nothing and changing no case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from engine.dialect.constructs import scope
from engine.dialect.listeners.hooks import attach as attach_listeners
from engine.dialect.parser import parse_documents
from engine.history.replay import Replay, load_recording, recorded_calls, replay_events
from engine.history.verdict import local
from engine.runtime.definitions import specs_of

SAME = "same path"


@dataclass(frozen=True)
class WhatIf:
    """What one case would have done under the changed diagram."""

    case_id: str
    business_key: str | None
    diverged: bool
    missed_deadline: bool
    explanation: str

    @property
    def affected(self) -> bool:
        return self.diverged or self.missed_deadline


def changed_specs(definition, documents: dict[str, bytes]):
    """Return (spec, subprocess_specs) of a definition with `documents` replacing files of the same name."""
    merged = {name: text.encode("utf-8") for name, text in definition.source.items()}
    merged.update({Path(name).name: content for name, content in documents.items()})
    parser = parse_documents(merged)
    spec, subprocess_specs = parser.get_spec(definition.key), parser.get_subprocess_specs(definition.key)
    for process in (spec, *subprocess_specs.values()):
        attach_listeners(process)
    single = getattr(specs_of(definition)[0], scope.ATTRIBUTE, False)  # the variable scope its cases ran with
    scope.mark([spec, *(s for s in subprocess_specs.values() if s is not None)], single)
    return spec, subprocess_specs


def what_if(session: Session, case_ids: list[str], documents: dict[str, bytes]) -> list[WhatIf]:
    """Tell, per case, whether the changed diagram takes another path or misses the statutory term."""
    cache: dict[int, tuple] = {}
    results = []
    for case_id in case_ids:
        row, definition, events = load_recording(session, case_id)
        if definition.id not in cache:
            cache[definition.id] = changed_specs(definition, documents)
        recorded = replay_events(
            case_id, events, *specs_of(definition), False, True, recorded_calls(session, definition, events)
        )
        changed = replay_events(
            case_id, events, *cache[definition.id], False, True, recorded_calls(session, definition, events)
        )
        results.append(_judge(row.business_key, recorded, changed))
    return results


def _judge(business_key: str | None, recorded: Replay, changed: Replay) -> WhatIf:
    """Compare a replay under the changed diagram with the replay as recorded."""
    parts = []
    diverged = changed.divergence is not None
    if diverged:
        d = changed.divergence
        parts.append(f"diverged at step {d.step}: {d.how}{_differences(recorded, changed, d.step)}")
    missed = _missed(recorded, changed)
    if missed:
        parts.append(missed)
    return WhatIf(changed.case_id, business_key, diverged, bool(missed), "; ".join(parts) or SAME)


def _differences(recorded: Replay, changed: Replay, step: int) -> str:
    """Name the variables whose values differ after `step`, as far as both replays got."""
    if step > min(len(recorded.step_variables), len(changed.step_variables)):
        return ""
    before, after = recorded.step_variables[step - 1], changed.step_variables[step - 1]
    names = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    shown = [f"{k} {after.get(k)!r} instead of {before.get(k)!r}" for k in names[:6]]
    return f" ({', '.join(shown)})" if shown else ""


def _missed(recorded: Replay, changed: Replay) -> str | None:
    """Say whether the recorded decision comes after the due time the changed diagram computes."""
    due, decided = changed.statutory_due_at, recorded.decided_at
    if due is None or decided is None or decided <= due:
        return None
    return f"statutory deadline would be missed: due {local(due)}, decision {local(decided)}"
