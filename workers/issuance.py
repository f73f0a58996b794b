"""Issuance of the license or of the reasoned refusal (para 5, appendix 1 items 4 and 5).

The license number has 16 characters [EEC Board Decision 199]: list section (3),
`KZ`, the last two digits of the year (2), the issuing authority's code (3) and a
sequence number (6) [the last three assumed for KZ; the authority code is configured].
Numbers come from the engine's number series, so none is skipped or given twice, and
a retried task keeps the number it got.
"""

from __future__ import annotations

from datetime import date, timedelta

from engine.worker import TaskContext, WorkerRegistry, today
from procedure.grounds import describe as describe_grounds
from workers.documents import write_pdf
from workers.settings import settings

registry = WorkerRegistry()


def section_code(list_section: str) -> str:
    """Return the 3-character code of a list section: "2.19" -> "219", "2.3" -> "203"."""
    major, _, minor = list_section.partition(".")
    if not (major.isdigit() and minor.isdigit() and len(major) == 1 and len(minor) <= 2):
        raise ValueError(f"list section {list_section!r} is not of the form N.M (e.g. 2.19)")
    return f"{major}{int(minor):02d}"


def license_number(list_section: str, year: int, authority_code: str, sequence: int) -> str:
    """Compose the 16-character license number."""
    if len(authority_code) != 3:
        raise ValueError(f"the authority code must have 3 characters, got {authority_code!r}")
    if not 0 < sequence < 1_000_000:
        raise ValueError(f"sequence {sequence} does not fit 6 digits")
    return f"{section_code(list_section)}KZ{year % 100:02d}{authority_code}{sequence:06d}"


def validity(
    kind: str,
    issued_on: date,
    contract_end: str | None,
    decision_until: str | None,
    basis_document_end: str | None = None,
) -> date:
    """Return the last day the license is valid (para 5)."""
    if kind == "exclusive":
        # para 5: the term of the Government decision
        if not decision_until:
            raise ValueError("an exclusive license needs government_decision_until")
        return date.fromisoformat(decision_until)
    # para 5: at most one year from the start; a one-time license not past its contract, nor
    # past the document it is based on
    year_later = _add_year(issued_on) - timedelta(days=1)
    if kind != "one_time":
        return year_later
    ends = [date.fromisoformat(end) for end in (contract_end, basis_document_end) if end]
    return min([year_later, *ends])


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@registry.topic("license.issue")
def issue_license(
    kind, direction, list_section, applicant_id, applicant_name, contract_number, contract_end,
    government_decision_until, basis_document_number, basis_document_end, context: TaskContext,
):  # fmt: skip
    """Allocate the number, fix the validity and write the license document."""
    config = settings()
    issued_on = today()
    series = f"license:{config.authority_code}:{issued_on.year}"
    number = license_number(
        list_section, issued_on.year, config.authority_code, context.allocate_number(series)
    )
    valid_until = validity(kind, issued_on, contract_end, government_decision_until, basis_document_end)
    document = write_pdf(
        config.documents_dir / _folder(context) / f"license-{number}.pdf",
        f"License No. {number}",
        [
            ("Kind", kind.replace("_", "-")),
            ("Direction", direction),
            ("Section of the unified list", list_section),
            ("Licensee", f"{applicant_name} ({applicant_id})"),
            ("Contract", contract_number or "-"),
            ("Basis document", basis_document_number or "-"),
            ("Valid", f"{issued_on.isoformat()} to {valid_until.isoformat()}"),
        ],
    )
    return {
        "license_number": number,
        "valid_from": issued_on.isoformat(),
        "valid_until": valid_until.isoformat(),
        "license_document": str(document),
        "decided_on": issued_on.isoformat(),
    }


@registry.topic("refusal.issue")
def issue_refusal(refusal_grounds, refusal_reasons, hearing_minutes, applicant_name, context: TaskContext):
    """appendix 1, para 13: the reasoned refusal names its grounds."""
    grounds_text = describe_grounds(refusal_grounds or [])
    decided_on = today()
    document = write_pdf(
        settings().documents_dir / _folder(context) / "refusal.pdf",
        "Reasoned refusal to issue a license",
        [("Applicant", applicant_name), ("Grounds", "; ".join(grounds_text))]
        + [("Reasons", refusal_reasons or "-"), ("Hearing", hearing_minutes or "-")],
    )
    return {
        "refusal_grounds_text": grounds_text,
        "refusal_document": str(document),
        "decided_on": decided_on.isoformat(),
    }


@registry.topic("refusal.refuse_to_consider")
def refuse_to_consider(missing_documents, applicant_name, context: TaskContext):
    """Law on Permits and Notifications art. 25: an incomplete set is returned with reasons."""
    decided_on = today()
    document = write_pdf(
        settings().documents_dir / _folder(context) / "refusal-to-consider.pdf",
        "Refusal to consider the application further",
        [("Applicant", applicant_name), ("Missing documents", ", ".join(missing_documents or []))],
    )
    return {"refusal_document": str(document), "decided_on": decided_on.isoformat()}


def _folder(context: TaskContext) -> str:
    return "".join(
        ch if ch.isalnum() or ch in "-_" else "_" for ch in (context.business_key or context.case_id)
    )
