"""Write the documents licflow issues as PDF files a person can file.

The license, the reasoned refusal and the act of destruction are official documents,
issued as Kazakh state documents are: in the state language first, then the same in
Russian (the Law "On languages in the Republic of Kazakhstan"). An application written
in English gets an English section after the two. Each section repeats the heading and
every label in its language; values a language words differently (the license kind,
the grounds, the dates) are given per language, names and numbers as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from engine.worker import PdfText, TaskContext, checked, translator

OFFICIAL_LANGUAGES = ("kk", "ru")  # the state language, then Russian
Value = str | Callable[[str], str]  # a text, or what it is in a language


@dataclass(frozen=True)
class Document:
    """An official document: a heading and (label, value) lines, labels marked for the catalogs."""

    heading: str
    lines: list[tuple[str, Value | list[Value]]]
    heading_values: dict[str, str] = field(default_factory=dict)


def document_languages(application_language: str | None) -> tuple[str, ...]:
    """Return the languages of a document's sections: Kazakh, Russian and the application's own."""
    language = checked(application_language)
    return OFFICIAL_LANGUAGES + (() if language in OFFICIAL_LANGUAGES else (language,))


def write_document(path: Path, document: Document, application_language: str | None) -> Path:
    """Write `document` to `path`, a section per language; return the path."""
    text = PdfText()
    for index, language in enumerate(document_languages(application_language)):
        _ = translator(language)
        if index:
            text.space(8)
        text.line(_(document.heading) % document.heading_values, size=15, height=9)
        text.space(2)
        for label, value in document.lines:
            values = value if isinstance(value, list) else [value]
            shown = [v(language) if callable(v) else v for v in values]
            if len(shown) == 1:
                text.line(f"{_(label)}: {shown[0] or '—'}")
            else:
                text.line(f"{_(label)}:")
                for item in shown or ["—"]:
                    text.line(f"    {item}")
    return text.save(path)


def case_folder(context: TaskContext) -> str:
    """Return the folder name of a case's documents: its business key, safe as a file name."""
    return "".join(
        ch if ch.isalnum() or ch in "-_" else "_" for ch in (context.business_key or context.case_id)
    )
