"""Issuance of the license or of the reasoned refusal (para 5, appendix 1 items 4 and 5).

The license number has 16 characters [EEC Board Decision 199]: list section (3),
`KZ`, the last two digits of the year (2), the issuing authority's code (3) and a
sequence number (6) [the last three assumed for KZ; the authority code is configured].
Numbers come from the engine's number series, so none is skipped or given twice, and
a retried task keeps the number it got. The documents are written in Kazakh and Russian
(and in English for an English application, `language`), see `workers.documents`.
"""

from __future__ import annotations

from datetime import date, timedelta

from engine.worker import N_, TaskContext, WorkerRegistry, checked, day_text, today
from procedure.grounds import describe as describe_grounds
from procedure.wording import direction_name, document_name, kind_name
from workers.documents import Document, case_folder, write_document
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
    government_decision_until, basis_document_number, basis_document_end, language, context: TaskContext,
):  # fmt: skip
    """Allocate the number, fix the validity and write the license document."""
    config = settings()
    issued_on = today()
    series = f"license:{config.authority_code}:{issued_on.year}"
    number = license_number(
        list_section, issued_on.year, config.authority_code, context.allocate_number(series)
    )
    valid_until = validity(kind, issued_on, contract_end, government_decision_until, basis_document_end)
    license_document = Document(
        N_("License No. %(number)s"),
        [
            (N_("Kind"), lambda lang: kind_name(kind, lang)),
            (N_("Direction"), lambda lang: direction_name(direction, lang)),
            (N_("Section of the unified list"), list_section),
            (N_("Licensee"), f"{applicant_name} ({applicant_id})"),
            (N_("Contract"), contract_number or "—"),
            (N_("Basis document"), basis_document_number or "—"),
            (N_("Valid"), lambda lang: f"{day_text(issued_on, lang)} — {day_text(valid_until, lang)}"),
        ],
        {"number": number},
    )
    document = write_document(
        config.documents_dir / case_folder(context) / f"license-{number}.pdf", license_document, language
    )
    return {
        "license_number": number,
        "valid_from": issued_on.isoformat(),
        "valid_until": valid_until.isoformat(),
        "license_document": str(document),
        "decided_on": issued_on.isoformat(),
    }


@registry.topic("refusal.issue")
def issue_refusal(
    refusal_grounds, refusal_reasons, hearing_minutes, applicant_name, language, context: TaskContext
):
    """appendix 1, para 13: the reasoned refusal names its grounds."""
    grounds = refusal_grounds or []
    decided_on = today()
    refusal = Document(
        N_("Reasoned refusal to issue a license"),
        [
            (N_("Applicant"), applicant_name),
            (N_("Decided on"), lambda lang: day_text(decided_on, lang)),
            (N_("Grounds for refusal (appendix 1 of the Rules)"), _grounds_in_each_language(grounds)),
            (N_("Reasons"), refusal_reasons or "—"),
            (N_("Hearing (para 13 of the Rules)"), hearing_minutes or "—"),
        ],
    )
    document = write_document(
        settings().documents_dir / case_folder(context) / "refusal.pdf", refusal, language
    )
    return {
        "refusal_grounds_text": describe_grounds(grounds, checked(language)),
        "refusal_document": str(document),
        "decided_on": decided_on.isoformat(),
    }


def _grounds_in_each_language(grounds: list[int]) -> list:
    return [(lambda lang, number=number: describe_grounds([number], lang)[0]) for number in sorted(grounds)]


@registry.topic("refusal.refuse_to_consider")
def refuse_to_consider(missing_documents, applicant_name, language, context: TaskContext):
    """Law on Permits and Notifications art. 25: an incomplete set is returned with reasons."""
    decided_on = today()
    missing = missing_documents or []
    refusal = Document(
        N_("Refusal to consider the application further"),
        [
            (N_("Applicant"), applicant_name),
            (N_("Decided on"), lambda lang: day_text(decided_on, lang)),
            (N_("Missing documents"), [(lambda lang, d=d: document_name(d, lang)) for d in missing]),
        ],
    )
    document = write_document(
        settings().documents_dir / case_folder(context) / "refusal-to-consider.pdf", refusal, language
    )
    return {"refusal_document": str(document), "decided_on": decided_on.isoformat()}
