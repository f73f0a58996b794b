"""What `licflow demo` submits and does for each seeded story (standins/seed.json).

Each seeded applicant's `application` becomes a portal application (the XML of forms 1
and 2), and its story says what the officer does once the case waits for one: issue,
or refuse preliminarily on the story's grounds and then after the hearing. A story
with `demo_until` stops there ("officer_review": a person is to judge it; "hearing":
the hearing's outcome is left open), so the pages show cases at every stage. An
application's `language` (some seeded applicants write in Russian or English) is the
language of its notices and documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from licflow.portal_signing import example_application
from standins.seed import read_seed

REVIEW, HEARING = "officer_review", "record_hearing_outcome"
STOPS = {"officer_review": REVIEW, "hearing": HEARING}  # the seed's demo_until -> the task left open
DOCUMENT_KINDS = ("contract", "fee_receipt", "government_decision", "permit")


@dataclass(frozen=True)
class Story:
    """One seeded applicant: who, what they apply for, and what the officer does."""

    applicant_id: str
    name: str
    individual: bool
    story: str
    application: dict[str, Any]
    grounds: tuple[int, ...]  # empty: the officer issues
    stops_at: str | None  # REVIEW, HEARING or None: played to the end
    refusal_reasons: str

    @property
    def acts(self) -> bool:
        """Whether the officer does anything in the demo."""
        return self.stops_at != REVIEW and self.story.startswith(("issued", "refused after hearing"))

    def decision(self, element_id: str) -> dict[str, Any] | None:
        """Return what the officer enters on the open task `element_id`, or None to leave it open."""
        ticks = {f"ground_{n}": True for n in self.grounds}
        if element_id == REVIEW and self.acts:
            if not self.grounds:
                return {"decision": "issue"}
            return {"decision": "preliminary_refusal", "refusal_reasons": self.refusal_reasons, **ticks}
        if element_id == HEARING and self.acts and self.grounds and self.stops_at != HEARING:
            return {"hearing_outcome": "refuse", "hearing_minutes": "heard; nothing new was shown", **ticks}
        return None


def seeded_stories(seed: dict[str, Any] | None = None) -> list[Story]:
    """Return the stories of the seed (the shipped one by default), in its order."""
    return [_story(applicant) for applicant in (seed or read_seed())["applicants"]]


def _story(applicant: dict[str, Any]) -> Story:
    officer = applicant.get("officer", {})
    found = [int(n) for n in re.findall(r"ground (\d+)", applicant["story"])]
    refused = applicant["story"].startswith("refused after hearing")
    return Story(
        applicant_id=applicant["id"],
        name=applicant["name"],
        individual=applicant["kind"] == "individual",
        story=applicant["story"],
        application=applicant["application"],
        grounds=tuple(sorted(set(found) | set(officer.get("grounds", [])))) if refused else (),
        stops_at=STOPS[applicant["demo_until"]] if "demo_until" in applicant else None,
        refusal_reasons=officer.get("reasons", "as the automated checks found"),
    )


def application_xml(story: Story) -> bytes:
    """Return the unsigned application of a story, as the portal takes it."""
    a = story.application
    payment = (
        f"<paymentReference>{escape(a['payment_reference'])}</paymentReference>"
        if a.get("payment_reference")
        else f"<feeReceipt>{escape(a.get('fee_receipt') or 'RECEIPT')}</feeReceipt>"
    )
    fields = {
        "name": a["applicant_name"],
        "email": a["applicant_email"],
        "direction": a["direction"],
        "kind": a["kind"],
        "listSection": a["list_section"],
        "contractNumber": a["contract_number"],
        "contractEnd": a["contract_end"],
        "payment": payment,
        "language": a.get("language") or "",  # absent: Kazakh, the state language
        "documents": "".join(
            f'<document kind="{kind}">{kind}-{escape(a["contract_number"])}.pdf</document>'
            for kind in a["documents"]
            if kind in DOCUMENT_KINDS
        ),
    }
    if a.get("government_decision_until"):
        fields["decision"] = (
            f"<governmentDecisionDate>{a['government_decision_until']}</governmentDecisionDate>"
        )
    if a.get("basis_document_number"):
        fields["basis"] = (
            f"<basisDocument><number>{escape(a['basis_document_number'])}</number>"
            f"<date>2026-10-01</date><end>{a['basis_document_end']}</end></basisDocument>"
        )
    return example_application(story.applicant_id, **fields)
