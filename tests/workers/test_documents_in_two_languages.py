"""The license and the reasoned refusal of seeded stories, read back out of the PDF.

Kazakh state documents are issued in the state language and in Russian: whatever the
application's language, each document has a Kazakh section, then a Russian one (an
English application gets an English one after them). The text is extracted from the
PDF with pypdf, so a letter the font printed as `?` or dropped would be seen.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader

from engine.worker import TaskContext
from procedure.calendar import ALMATY
from tests.e2e.stories import STORIES
from workers.issuance import issue_license, issue_refusal, refuse_to_consider

KAZAKH_LETTERS = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
ISSUED = "850315301235"  # Айбек Серікұлы Өтегенов: a one-time import license
REFUSED = "910722400160"  # Әйгерім Ғалымқызы Бекова: refused on ground 4
DECIDED = datetime(2026, 11, 17, 11, 0, tzinfo=ALMATY)


def text_of(path: str) -> str:
    """Return the PDF's text with its line breaks as spaces (long lines wrap at spaces)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(Path(path)).pages).split())


def context(applicant_id: str, topic: str) -> TaskContext:
    return TaskContext(
        "task-1", "case-1", f"APP-{applicant_id}", topic, 1, "case-1:task-1", numbers=lambda series: 7
    )


def the_license(language: str) -> dict:
    application = {**STORIES[ISSUED]["application"], "language": language}
    reads = issue_license.__code__.co_varnames[: issue_license.__code__.co_argcount]
    variables = {name: application.get(name) for name in reads if name != "context"}
    with time_machine.travel(DECIDED, tick=False):
        return issue_license(**variables, context=context(ISSUED, "license.issue"))


def the_refusal(language: str) -> dict:
    application = STORIES[REFUSED]["application"]
    with time_machine.travel(DECIDED, tick=False):
        return issue_refusal(
            refusal_grounds=[4],
            refusal_reasons="мемлекеттік тізілімде ЖСН жоқ",
            hearing_minutes="тыңдалды",
            applicant_name=application["applicant_name"],
            language=language,
            context=context(REFUSED, "refusal.issue"),
        )


def kazakh_letters_of(name: str) -> set[str]:
    letters = KAZAKH_LETTERS & set(name)
    assert letters, f"{name} has no letter of the Kazakh alphabet beyond the Russian one"
    return letters


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_license_is_issued_in_kazakh_then_russian_with_every_letter_of_the_name(documents, language):
    issued = the_license(language)

    text = text_of(issued["license_document"])
    number = issued["license_number"]
    name = STORIES[ISSUED]["application"]["applicant_name"]
    assert all(letter in text for letter in kazakh_letters_of(name)) and name in text
    kazakh, russian = text.index(f"№ {number} лицензия"), text.index(f"Лицензия № {number}")
    assert kazakh < russian  # the state language first
    assert "Лицензия түрі: біржолғы лицензия" in text and "Вид лицензии: разовая лицензия" in text
    assert "Бағыты: импорт" in text and "Направление: импорт" in text
    assert "Қолданылу мерзімі: 17 қараша 2026 — 31 наурыз 2027" in text
    assert "Срок действия: 17 ноября 2026 — 31 марта 2027" in text
    assert "License No." not in text and "?" not in text


def test_an_english_application_gets_an_english_section_after_the_kazakh_and_russian(documents):
    issued = the_license("en")

    text, number = text_of(issued["license_document"]), issued["license_number"]
    headings = (f"№ {number} лицензия", f"Лицензия № {number}", f"License No. {number}")
    kazakh, russian, english = (text.index(heading) for heading in headings)
    assert kazakh < russian < english
    assert "Kind: one-time license" in text and "Valid: 17 November 2026 — 31 March 2027" in text


@pytest.mark.parametrize(
    ("language", "grounds_text"),
    [
        ("kk", "4. көрсетілетін қызметті алушы біліктілік талаптарына сәйкес келмейді"),
        ("ru", "4. услугополучатель не соответствует квалификационным требованиям"),
    ],
)
def test_the_reasoned_refusal_names_its_grounds_in_both_languages(documents, language, grounds_text):
    refused = the_refusal(language)

    text = text_of(refused["refusal_document"])
    name = STORIES[REFUSED]["application"]["applicant_name"]
    assert all(letter in text for letter in kazakh_letters_of(name)) and name in text
    assert text.index("Лицензия беруден дәлелді бас тарту") < text.index(
        "Мотивированный отказ в выдаче лицензии"
    )
    assert "Бас тарту үшін негіздер (Қағидаларға 1-қосымша): 4. көрсетілетін қызметті алушы" in text
    assert "Основания для отказа (приложение 1 к Правилам): 4. услугополучатель не соответствует" in text
    assert "Шешім қабылданған күн: 17 қараша 2026" in text and "Дата решения: 17 ноября 2026" in text
    assert "мемлекеттік тізілімде ЖСН жоқ" in text
    # the case keeps the grounds in the application's language: the cabinet shows them
    assert refused["refusal_grounds_text"] == [grounds_text]


def test_a_refusal_to_consider_names_the_missing_documents_in_each_language(documents):
    # Arman Pharm's set lacked the permit no information system holds (appendix 1 item 8(3))
    arman = STORIES["110540007770"]["application"]
    with time_machine.travel(DECIDED, tick=False):
        refused = refuse_to_consider(
            ["permit"], arman["applicant_name"], None, context("110540007770", "refusal.refuse_to_consider")
        )

    text = text_of(refused["refusal_document"])
    assert text.index("Өтінішті одан әрі қараудан бас тарту") < text.index(
        "Отказ в дальнейшем рассмотрении заявления"
    )
    assert "Жетіспейтін құжаттар: біліктілік талаптарына сәйкестікті растайтын рұқсат" in text
    assert (
        "Недостающие документы: разрешение, подтверждающее соответствие квалификационным требованиям" in text
    )
