"""What the crash soak found: cases lost, effects repeated and why, timers twice or never, chains.

Read after the run from the database (cases, history) and from the outside systems'
ledger of deliveries. An effect delivered twice is explained when the worker
incarnation that made the earlier delivery was killed after making it and never
reported the task: that is the one repeat at-least-once delivery cannot avoid. Any
other repeat is counted as a repeat without a crash.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bench.soak_world import Delivery, Incarnation
from engine.history.chain_check import case_ids, check_cases
from store.db import Store
from store.models import Case, HistoryEvent, Incident

KILLED_BEFORE_REPORT = "worker killed between its effect and its report"
NO_CRASH = "repeated without a crash"


@dataclass
class Findings:
    """The figures one soak prints."""

    cases: int
    acknowledged: int
    completed: int = 0
    lost: int = 0
    duplicated: int = 0
    stuck: Counter = field(default_factory=Counter)  # where unfinished cases wait
    effects: int = 0
    repeats: Counter = field(default_factory=Counter)  # cause -> how many
    missing_effects: int = 0
    timers_once: int = 0
    timers_twice: int = 0
    timers_never: int = 0
    lateness: list[float] = field(default_factory=list)  # seconds after the due time
    chains_intact: int = 0
    broken_chains: list[str] = field(default_factory=list)
    incidents: int = 0

    @property
    def healthy(self) -> bool:
        return not (
            self.lost
            or self.duplicated
            or self.stuck
            or self.repeats[NO_CRASH]
            or self.missing_effects
            or self.timers_twice
            or self.timers_never
            or self.broken_chains
            or self.incidents
        )


def findings(
    store: Store,
    keys: list[str],
    acknowledged: set[str],
    deliveries: list[Delivery],
    incarnations: list[Incarnation],
) -> Findings:
    """Gather the figures of one run."""
    found = Findings(cases=len(keys), acknowledged=len(acknowledged))
    with store.reading() as session:
        cases = list(session.scalars(select(Case).where(Case.business_key.in_(keys))))
        events = defaultdict(list)
        for event in session.scalars(
            select(HistoryEvent).where(
                HistoryEvent.kind.in_(("timer_fired", "external_task_completed", "state_reached"))
            )
        ):
            events[event.case_id].append(event)
        found.incidents = len(
            list(session.scalars(select(Incident.id).where(Incident.resolved_at.is_(None))))
        )
        ids = case_ids(session)
        for check in check_cases(session, ids):
            if check.intact:
                found.chains_intact += 1
            else:
                found.broken_chains.append(check.sentence())
    _count_cases(found, cases, keys, acknowledged, events)
    _count_timers(found, cases, events)
    _count_effects(found, cases, events, deliveries, incarnations)
    return found


def _count_cases(found: Findings, cases: list[Case], keys, acknowledged, events) -> None:
    per_key = Counter(case.business_key for case in cases)
    found.lost = sum(1 for key in acknowledged if per_key[key] == 0)
    found.duplicated = sum(count - 1 for count in per_key.values() if count > 1)
    found.completed = sum(1 for case in cases if case.status == "completed")
    for case in cases:
        if case.status != "completed":
            states = [e for e in events[case.id] if e.kind == "state_reached"]
            found.stuck[",".join(states[-1].data.get("waiting", [])) if states else "nowhere"] += 1
    found.stuck["never started"] = sum(1 for key in keys if per_key[key] == 0)
    found.stuck = +found.stuck  # drop zero counts


def _count_timers(found: Findings, cases: list[Case], events) -> None:
    for case in cases:
        fired = [e for e in events[case.id] if e.kind == "timer_fired"]
        if len(fired) == 1:
            found.timers_once += 1
        elif len(fired) > 1:
            found.timers_twice += 1
        elif any(e.kind == "external_task_completed" and e.element_id == "notify" for e in events[case.id]):
            found.timers_never += 1  # it reached the timer, which never fired
        for event in fired[:1]:
            due = datetime.fromisoformat(event.data["due_at"])
            fired_at = datetime.fromisoformat(event.data["clock"])
            due = due if due.tzinfo else due.replace(tzinfo=fired_at.tzinfo)
            found.lateness.append((fired_at - due).total_seconds())


def _count_effects(found: Findings, cases, events, deliveries: list[Delivery], incarnations) -> None:
    killed = {i.worker_id: i.killed_at for i in incarnations if i.killed_at is not None}
    reported = {
        (e.data.get("task_id"), e.actor.removeprefix("worker:"))
        for case_events in events.values()
        for e in case_events
        if e.kind == "external_task_completed"
    }
    by_key: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_key[(delivery.kind, delivery.key)].append(delivery)
    found.effects = len(by_key)
    for made in by_key.values():
        made.sort(key=lambda d: d.at)
        for earlier in made[:-1]:
            task_id = earlier.key.split(":", 1)[-1]
            was_killed = earlier.worker in killed and killed[earlier.worker] >= earlier.at
            cause = (
                KILLED_BEFORE_REPORT if was_killed and (task_id, earlier.worker) not in reported else NO_CRASH
            )
            found.repeats[cause] += 1
    done = {case.id for case in cases if case.status == "completed"}
    kinds_per_case = defaultdict(set)
    for kind, key in by_key:
        kinds_per_case[key.split(":", 1)[0]].add(kind)
    found.missing_effects = sum(1 for case_id in done if kinds_per_case[case_id] != {"e-mail", "payment use"})


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(kind: str, found: Findings, kills: Counter, seconds: float) -> str:
    """Say in a few lines what one soak found."""
    late = found.lateness
    stuck = ", ".join(f"{n} at {where}" for where, n in found.stuck.items()) or "none"
    repeats = sum(found.repeats.values())
    causes = ", ".join(f"{n} {cause}" for cause, n in sorted(found.repeats.items())) or "none"
    kill_text = ", ".join(f"{name} {n}" for name, n in sorted(kills.items()))
    lines = [
        f"crash soak on {kind}: {found.cases} cases, {sum(kills.values())} SIGKILLs ({kill_text}), "
        f"{seconds:.0f} s",
        f"  cases      {found.acknowledged} acknowledged, {found.completed} completed, {found.lost} lost, "
        f"{found.duplicated} duplicated; unfinished: {stuck}",
        f"  effects    {found.effects} made, {repeats} repeated ({causes}); {found.missing_effects} missing",
        f"  timers     {found.timers_once} fired once, {found.timers_twice} twice, "
        f"{found.timers_never} never; lateness p50 {percentile(late, 0.5):.2f} s, "
        f"p99 {percentile(late, 0.99):.2f} s, max {max(late, default=0):.2f} s",
        f"  chains     {found.chains_intact} intact, {len(found.broken_chains)} broken"
        + "".join(f"\n    {sentence}" for sentence in found.broken_chains[:5]),
        f"  incidents  {found.incidents} open",
        f"  verdict    {'as promised' if found.healthy else 'NOT as promised'}",
    ]
    return "\n".join(lines)
