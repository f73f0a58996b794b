"""Appendix 1 item 8(3): qualification documents no information system holds are asked of the applicant.

The workers ask the stand-in registry of the shipped seed: Sapa Medical's permit for
medicines (2.14) is in the registry, Arman Pharm's is not; Dala Trade's goods (2.16)
need no permit.
"""

from __future__ import annotations

import httpx
import pytest

from standins.app import create_app
from workers import outside
from workers.completeness import check_completeness
from workers.qualification import check_qualification

SAPA, ARMAN, DALA = "140640009994", "110540007770", "150440001110"


@pytest.fixture(autouse=True)
def registry():
    """The workers talk to the stand-ins over WSGI, with nothing running in the background."""
    app = create_app(test_config={"TESTING": True, "DELIVER_IN_BACKGROUND": False})
    outside.use(outside.OutsideSystems("http://standins.test", 5, transport=httpx.WSGITransport(app=app)))
    yield
    outside.use(None)
    app.shutdown()


def _complete(applicant_id: str, section: str, documents: list[str], needs_permit: bool = True) -> dict:
    return check_completeness(documents, "one_time", "PAY-1", needs_permit, applicant_id, section)


def _qualify(applicant_id: str, section: str, documents: list[str]) -> dict:
    return check_qualification(applicant_id, section, True, f"C-2026-{applicant_id[-4:]}", documents)


def test_a_permit_no_registry_holds_is_part_of_the_set_and_its_absence_makes_it_incomplete():
    assert _complete(ARMAN, "2.14", ["application", "contract"]) == {
        "documents_complete": False,
        "missing_documents": ["permit"],
    }


def test_a_permit_the_applicant_submitted_completes_the_set_and_meets_the_requirement():
    assert _complete(ARMAN, "2.14", ["application", "contract", "permit"])["documents_complete"] is True
    checked = _qualify(ARMAN, "2.14", ["application", "contract", "permit"])
    assert checked["qualification_met"] is True
    assert checked["qualification_evidence"] == [
        "permit for section 2.14: submitted by the applicant (appendix 1 item 8(3))"
    ]


def test_a_permit_the_registry_holds_is_never_asked_for():
    assert _complete(SAPA, "2.14", ["application", "contract"])["documents_complete"] is True
    checked = _qualify(SAPA, "2.14", ["application", "contract"])
    assert checked["qualification_evidence"] == ["permit for section 2.14: held by the state registry"]


def test_goods_that_need_no_permit_need_no_permit_document():
    assert (
        _complete(DALA, "2.16", ["application", "contract"], needs_permit=False)["documents_complete"] is True
    )


def test_without_the_permit_anywhere_the_qualification_is_not_met():
    checked = _qualify(ARMAN, "2.14", ["application", "contract"])
    assert checked["qualification_met"] is False
    assert "no permit for the activity with goods of section 2.14" in checked["qualification_findings"]
