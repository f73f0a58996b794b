"""Rules across the fields of a form, by form key, each naming the paragraph it implements.

A rule returns {field: message} for what is wrong, or {} when the submission fits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.i18n import N_
from procedure.grounds import REFUSAL_GROUNDS

GROUND_FIELDS = tuple(f"ground_{n}" for n in REFUSAL_GROUNDS)
NO_GROUND = N_("a refusal names at least one of the grounds 1 to 10 (appendix 1 of the Rules)")


def _names_a_ground(values: dict[str, Any]) -> bool:
    return any(values.get(name) is True for name in GROUND_FIELDS)


def officer_review(values: dict[str, Any]) -> dict[str, str]:
    """para 13, appendix 1: a preliminary refusal names its grounds."""
    if values.get("decision") == "preliminary_refusal" and not _names_a_ground(values):
        return {"grounds": NO_GROUND}
    return {}


def hearing_outcome(values: dict[str, Any]) -> dict[str, str]:
    """para 13, appendix 1: the refusal after the hearing is reasoned: it names its grounds."""
    if values.get("hearing_outcome") == "refuse" and not _names_a_ground(values):
        return {"grounds": NO_GROUND}
    return {}


FORM_RULES: dict[str, Callable[[dict[str, Any]], dict[str, str]]] = {
    "officer_review": officer_review,
    "hearing_outcome": hearing_outcome,
}
