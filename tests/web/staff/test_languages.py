"""The language of the staff pages: the person's setting, else the browser's, else Kazakh."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from engine.i18n import negotiate
from engine.people.users import find_user, set_language
from licflow.cli import main
from store.models import UserTask
from tests.web.staff.conftest import Browser


def _open_review(orchestrator) -> UserTask:
    with orchestrator.transaction() as db:
        return db.scalars(
            select(UserTask).where(UserTask.status == "open", UserTask.element_id == "officer_review")
        ).one()


def test_the_first_language_licflow_speaks_among_those_accepted_wins_and_kazakh_is_the_default():
    assert negotiate(["de-DE", "ru-RU", "en"]) == "ru"
    assert negotiate(["fr", "de"]) == "kk"
    assert negotiate([]) == "kk"


def test_a_browser_asking_for_nothing_gets_the_sign_in_page_in_kazakh(app):
    page = Browser(app.test_client(), language="").get("/signin").get_data(as_text=True)
    assert '<html lang="kk">' in page and "Пайдаланушы аты" in page and "Құпиясөз" in page
    assert "User name" not in page and "Password" not in page


def test_the_browser_language_is_followed_when_the_person_chose_none(browser):
    page = browser("olga", language="ru-RU,ru;q=0.9,en;q=0.5").get("/tasks").get_data(as_text=True)
    assert '<html lang="ru">' in page and "Открытые задачи" in page and "Выйти" in page


def test_a_persons_own_language_beats_the_browsers(browser, orchestrator):
    with orchestrator.transaction() as db:
        set_language(db, "olga", "kk")
    page = browser("olga", language="ru").get("/tasks").get_data(as_text=True)
    assert '<html lang="kk">' in page and "Ашық тапсырмалар" in page and "Открытые задачи" not in page


def test_the_switch_saves_the_choice_on_the_signed_in_person_for_every_later_session(browser, orchestrator):
    olga = browser("olga", language="en")
    answer = olga.post("/language", {"language": "ru", "next": "/cases"})
    assert answer.status_code == 302 and answer.location == "/cases"
    with orchestrator.transaction() as db:
        assert find_user(db, "olga").language == "ru"
    elsewhere = browser("olga", language="en")  # another browser, asking for English
    assert "Дела" in elsewhere.get("/cases").get_data(as_text=True)


def test_the_switch_keeps_a_visitors_choice_in_a_cookie(app):
    visitor = Browser(app.test_client(), language="kk")
    visitor.get("/signin")
    visitor.post("/language", {"language": "en", "next": "/signin"})
    page = visitor.get("/signin").get_data(as_text=True)
    assert '<html lang="en">' in page and "User name" in page


def test_the_switch_refuses_a_language_licflow_does_not_speak_and_a_foreign_next_page(browser, orchestrator):
    olga = browser("olga", language="en")
    answer = olga.post("/language", {"language": "de", "next": "//evil.example/"})
    assert answer.status_code == 302 and not answer.location.startswith("//")
    with orchestrator.transaction() as db:
        assert find_user(db, "olga").language is None


def test_a_form_that_does_not_fit_is_explained_in_the_officers_language(browser, submit, orchestrator):
    submit()
    task = _open_review(orchestrator)
    kazakh = browser("olga", language="kk").post(
        f"/tasks/{task.id}", {"decision": "preliminary_refusal", "refusal_reasons": "жоқ"}
    )
    page = kazakh.get_data(as_text=True)
    assert kazakh.status_code == 400
    assert "Нысан сақталмады" in page and "негіздердің кемінде біреуі көрсетіледі" in page
    assert "a refusal names" not in page


def test_the_case_page_explains_the_working_days_of_the_due_time_in_russian(browser, submit):
    case_id = submit()
    page = browser("hana", language="ru").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Срок оказания государственной услуги (п. 9, п. 13)" in page
    assert "рабочих дн. с" in page and "(Asia/Almaty)" in page and "Не учтены:" in page
    assert "выходной день" in page
    assert "working days from" not in page and "Statutory due time" not in page


def test_a_claim_conflict_is_shown_in_the_readers_language(browser, submit, orchestrator):
    submit()
    task = _open_review(orchestrator)
    browser("olga").post(f"/tasks/{task.id}/claim")
    answer = browser("oleg", language="kk").post(f"/tasks/{task.id}/claim")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "Осы уақытта өзгерді" in page and "тапсырмасын olga алған" in page


def test_user_add_takes_a_language_and_names_the_ones_there_are_for_another(store, orchestrator):
    runner, env = CliRunner(), {"DATABASE_URL": store.url}
    added = runner.invoke(
        main,
        ["user", "add", "ruslan", "--role", "officers", "--language", "ru", "--password-stdin"],
        "a long enough password\n",
        env=env,
    )
    refused = runner.invoke(
        main,
        ["user", "add", "dieter", "--role", "officers", "--language", "de", "--password-stdin"],
        "a long enough password\n",
        env=env,
    )
    assert added.exit_code == 0, added.output
    with orchestrator.transaction() as db:
        assert find_user(db, "ruslan").language == "ru"
        assert find_user(db, "dieter") is None
    assert refused.exit_code == 2 and "'kk', 'ru', 'en'" in refused.output


def test_the_auditors_page_and_the_deployments_page_read_in_kazakh(browser, submit):
    case_id = submit()
    audit = browser("aida", language="kk").get(f"/audit/cases/{case_id}").get_data(as_text=True)
    deployments = browser("nurs", language="kk").get("/deployments").get_data(as_text=True)
    assert "ісінің аудиті" in audit and "Хэш тізбегі" in audit and "Барлық қадамдар" in audit
    assert "Есептеу басы:" in audit and "Step through the history" not in audit
    assert "Нұсқалар" in deployments and "Тексеру және орналастыру" in deployments
    assert "Versions" not in deployments and "Check and deploy" not in deployments
