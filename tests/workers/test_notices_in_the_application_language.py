"""The applicant's e-mails arrive at the SMTP stand-in in the application's language (para 13, item 5).

Subject and body are translated; the hearing and the due time are written as people of
that language write them, with the zone named.
"""

from __future__ import annotations

import pytest

from engine.worker import TaskContext
from tests.e2e.stories import STORIES
from workers.cabinet import show_result
from workers.notices import send_hearing_notice, send_result_notice

TULPAR = STORIES["210840010108"]["application"]  # refused on a court ban (ground 6); writes in Russian
BEKOVA = STORIES["910722400160"]["application"]  # Әйгерім Ғалымқызы Бекова; writes in Kazakh
HEARING_AT, DUE_AT = "2026-11-20T11:00:00+05:00", "2026-11-23T18:30:00+05:00"


def context(topic: str, task: str = "task-3") -> TaskContext:
    return TaskContext(task, "case-1", "APP-2026-000021", topic, 1, f"case-1:{task}")


def hearing_notice(application: dict, language: str | None) -> None:
    send_hearing_notice(
        applicant_email=application["applicant_email"],
        applicant_name=application["applicant_name"],
        preliminary_grounds=[6],
        refusal_reasons="2-1457/2026",
        hearing_at=HEARING_AT,
        statutory_due_at=DUE_AT,
        language=language,
        context=context("notice.hearing"),
    )


def test_a_russian_application_gets_its_hearing_notice_in_russian(sink):
    assert TULPAR["language"] == "ru"

    hearing_notice(TULPAR, TULPAR["language"])

    (message,) = sink.messages()
    assert message["To"] == TULPAR["applicant_email"]
    assert message["Subject"] == (
        "Предварительное решение об отказе в выдаче лицензии (APP-2026-000021): "
        "заслушивание 20 ноября 2026, 11:00 (Asia/Almaty)"
    )
    body = message.get_content()
    assert body.startswith("Уважаемый услугополучатель Tulpar Trade LLP!")
    assert (
        "6. в отношении услугополучателя имеется вступившее в законную силу решение (приговор) суда" in body
    )
    assert "Срок получения результата: 23 ноября 2026, 18:30 (Asia/Almaty)." in body
    assert "пункт 13 Правил" in body


def test_an_application_without_a_language_gets_its_hearing_notice_in_kazakh(sink):
    hearing_notice(BEKOVA, None)  # an application that named no language: the state language

    (message,) = sink.messages()
    assert message["Subject"] == (
        "Лицензия беруден бас тарту туралы алдын ала шешім (APP-2026-000021): "
        "тыңдау уақыты — 20 қараша 2026, 11:00 (Asia/Almaty)"
    )
    body = message.get_content()
    assert body.startswith("Құрметті Әйгерім Ғалымқызы Бекова!")
    assert "6. көрсетілетін қызметті алушыға қатысты лицензиялауға жататын қызметті" in body
    assert "Нәтиже берілетін мерзім: 23 қараша 2026, 18:30 (Asia/Almaty)." in body


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        (
            "kk",
            "Лицензия алуға арналған APP-2026-000021 өтінішінің нәтижесі",
            "№ 216KZ26001000007 лицензия берілді; қолданылуының соңғы күні: 31 наурыз 2027.",
        ),
        (
            "ru",
            "Результат рассмотрения заявления на лицензию APP-2026-000021",
            "Выдана лицензия № 216KZ26001000007, действительна до 31 марта 2027.",
        ),
        (
            "en",
            "Result of your license application APP-2026-000021",
            "License 216KZ26001000007 issued, valid until 31 March 2027.",
        ),
    ],
)
def test_the_result_notice_carries_the_cabinet_message_in_the_application_language(
    sink, language, subject, line
):
    cabinet = show_result("216KZ26001000007", "2027-03-31", None, None, True, language)

    send_result_notice(
        BEKOVA["applicant_email"], BEKOVA["applicant_name"], cabinet["cabinet_message"], language,
        context=context("notice.result", "task-9"),
    )  # fmt: skip

    (message,) = sink.messages()
    assert message["Subject"] == subject
    assert line in message.get_content()
