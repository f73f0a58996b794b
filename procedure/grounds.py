"""The grounds for refusing a license (appendix 1 of the Rules) and who can find them.

Grounds 3 to 8 can be found by automated checks against other systems; 1, 2, 9 and
10 need an officer's judgement. Every refusal names its grounds by these numbers. The
texts are marked for the catalogs: the Kazakh ones are the Rules' own words, the
Russian ones the official wording of the same list.
"""

from __future__ import annotations

from engine.i18n import N_, translator

SOURCE_LANGUAGE = "en"  # the language the code holds the texts in

# appendix 1, item 9 ("grounds for refusing the state service"), sub-items 1) to 10)
REFUSAL_GROUNDS: dict[int, str] = {
    1: N_("the documents or data submitted are unreliable"),
    2: N_("the law forbids this category of applicant the activity"),
    3: N_("the license fee was not paid"),
    4: N_("the applicant does not meet the qualification requirements"),
    5: N_("an approving state body answered that the applicant does not comply"),
    6: N_("a court decision in force suspends or forbids the licensed activity"),
    7: N_("a bailiff's submission temporarily forbids licensing the debtor-applicant"),
    8: N_("one or more documents the license is based on were terminated or suspended"),
    9: N_("executing the contract would breach the EAEU member states' international obligations"),
    10: N_("other grounds set by acts of the Eurasian Economic Commission"),
}
# appendix 1: the grounds other systems can answer.
AUTOMATED_GROUNDS = frozenset({3, 4, 5, 6, 7, 8})


def ticked_grounds(*ticks: object) -> list[int]:
    """Return the numbers of the grounds whose box is ticked; `ticks` are grounds 1 to 10 in order."""
    if len(ticks) != len(REFUSAL_GROUNDS):
        raise ValueError(f"expected {len(REFUSAL_GROUNDS)} ground boxes, got {len(ticks)}")
    return [number for number, ticked in enumerate(ticks, start=1) if ticked is True]


def describe(grounds: list[int], language: str | None = SOURCE_LANGUAGE) -> list[str]:
    """Return each ground as "N. text" in `language` (by default as the code holds it)."""
    unknown = [g for g in grounds if g not in REFUSAL_GROUNDS]
    if unknown:
        raise ValueError(f"unknown refusal ground(s): {unknown}; grounds are numbered 1 to 10")
    _ = translator(language)
    return [f"{g}. {_(REFUSAL_GROUNDS[g])}" for g in sorted(grounds)]
