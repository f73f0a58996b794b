"""The grounds for refusing a license (appendix 1 of the Rules) and who can find them.

Grounds 3 to 8 can be found by automated checks against other systems; 1, 2, 9 and
10 need an officer's judgement. Every refusal names its grounds by these numbers.
"""

from __future__ import annotations

REFUSAL_GROUNDS: dict[int, str] = {
    1: "the documents or data submitted are unreliable",
    2: "the law forbids this category of applicant the activity",
    3: "the license fee was not paid",
    4: "the applicant does not meet the qualification requirements",
    5: "an approving state body answered that the applicant does not comply",
    6: "a court decision in force suspends or forbids the licensed activity",
    7: "a bailiff's submission temporarily forbids licensing the debtor-applicant",
    8: "one or more documents the license is based on were terminated or suspended",
    9: "executing the contract would breach the EAEU member states' international obligations",
    10: "other grounds set by acts of the Eurasian Economic Commission",
}
# appendix 1: the grounds other systems can answer.
AUTOMATED_GROUNDS = frozenset({3, 4, 5, 6, 7, 8})


def ticked_grounds(*ticks: object) -> list[int]:
    """Return the numbers of the grounds whose box is ticked; `ticks` are grounds 1 to 10 in order."""
    if len(ticks) != len(REFUSAL_GROUNDS):
        raise ValueError(f"expected {len(REFUSAL_GROUNDS)} ground boxes, got {len(ticks)}")
    return [number for number, ticked in enumerate(ticks, start=1) if ticked is True]


def describe(grounds: list[int]) -> list[str]:
    """Return each ground as "N. text", for refusals and notices."""
    unknown = [g for g in grounds if g not in REFUSAL_GROUNDS]
    if unknown:
        raise ValueError(f"unknown refusal ground(s): {unknown}; grounds are numbered 1 to 10")
    return [f"{g}. {REFUSAL_GROUNDS[g]}" for g in sorted(grounds)]
