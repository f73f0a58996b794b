"""Read the seed: what the outside systems know about each applicant, indexed for look-ups.

A seed is checked when it is read, so a broken seed fails at start-up, not in the
middle of a demo: duplicate applicants, payments or documents, and unknown
consultation verdicts are refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_SEED = Path(__file__).with_name("seed.json")
VERDICTS = ("positive", "negative", "never")
DEFAULT_CONSULTATION = {"verdict": "positive", "reasons": "", "after_seconds": 5}


class SeedError(ValueError):
    """The seed contradicts itself or names something the stand-ins do not know."""


def read_seed(path: Path | str | None = None) -> dict[str, Any]:
    """Return the seed stored at `path` (the seed shipped with the package by default)."""
    return json.loads(Path(path or DEFAULT_SEED).read_text(encoding="utf-8"))


class Seed:
    """The seeded applicants, payments, documents and bans, by the keys the APIs look them up by."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.applicants: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        self.default_consultation = {**DEFAULT_CONSULTATION, **data.get("consultation_default", {})}
        self.faults: list[dict[str, Any]] = list(data.get("faults", []))
        for applicant in data.get("applicants", []):
            self._add(applicant)

    def _add(self, applicant: dict[str, Any]) -> None:
        applicant_id = applicant["id"]
        _unique(self.applicants, applicant_id, "applicant", applicant)
        for payment in applicant.get("payments", []):
            _unique(self.payments, payment["reference"], "payment", {"payer_id": applicant_id, **payment})
        for document in applicant.get("documents", []):
            record = {"applicant_id": applicant_id, **document}
            _unique(self.documents, document["number"], "document", record)
        verdict = applicant.get("consultation", {}).get("verdict", "positive")
        if verdict not in VERDICTS:
            raise SeedError(f"applicant {applicant_id}: unknown consultation verdict {verdict!r}")

    def subject(self, applicant_id: str) -> dict[str, Any] | None:
        """Return the registry record of `applicant_id`, or None when the registry does not know it."""
        applicant = self.applicants.get(applicant_id)
        if applicant is None or applicant.get("registry") is None:
            return None
        registry = applicant["registry"]
        return {
            "id": applicant_id,
            "kind": applicant["kind"],
            "name": applicant["name"],
            "registered": registry["registered"],
            "tax_registered": registry["tax_registered"],
            "activity_permits": list(registry.get("activity_permits", [])),
        }

    def court_bans(self, applicant_id: str) -> list[dict[str, Any]]:
        """Return the court decisions on `applicant_id`'s activity, in force or not."""
        return list(self.applicants.get(applicant_id, {}).get("court_bans", []))

    def bailiff_bans(self, applicant_id: str) -> list[dict[str, Any]]:
        """Return the bailiffs' submissions forbidding licensing `applicant_id`, in force or not."""
        return list(self.applicants.get(applicant_id, {}).get("bailiff_bans", []))

    def consultation_plan(self, applicant_id: str) -> dict[str, Any]:
        """Return how a consulted body answers about `applicant_id`: verdict, reasons, after how long."""
        plan = self.applicants.get(applicant_id, {}).get("consultation")
        return {**self.default_consultation, **(plan or {})}


def _unique(index: dict[str, dict[str, Any]], key: str, what: str, record: dict[str, Any]) -> None:
    if key in index:
        raise SeedError(f"the seed names {what} {key} twice")
    index[key] = record
