"""`licflow audit` verifies, replays, tries a changed table and exports, against a real store."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import text

from licflow.cli import main
from tests.procedure.test_what_if import faster_routing
from tests.procedure.world import almaty


@pytest.fixture
def issued(procedure):
    """One export license issued on 16 April 2025."""
    procedure.submit(submitted_at="2025-04-14T10:00:00+05:00", direction="export", list_section="2.16")
    procedure.decide(almaty("2025-04-16 11:02"), "officer_review", decision="issue")
    return procedure


def licflow(store, *args: str):
    return CliRunner().invoke(main, ["audit", *args], env={"DATABASE_URL": store.url}, catch_exceptions=False)


def test_verify_all_finds_every_chain_intact(store, issued):
    result = licflow(store, "verify", "--all")

    assert result.exit_code == 0
    assert "1 case(s) verified, 0 with a broken chain" in result.output


def test_replay_prints_the_verdict(store, issued):
    result = licflow(store, "replay", issued.case_id)

    assert result.exit_code == 0
    assert "outcome reproduced;" in result.output
    assert "statutory due time 2025-04-21 18:30 met (decision 2025-04-16 11:02)" in result.output


def test_replay_with_a_changed_table_reports_the_case_it_affects(store, issued, tmp_path):
    changed = tmp_path / "license_routing.dmn"
    changed.write_bytes(faster_routing()["license_routing.dmn"])

    result = licflow(store, "replay", "--definition", str(changed), "--all")

    assert result.exit_code == 0
    assert "diverged at step 1" in result.output
    assert "1 case(s) replayed against license_routing.dmn: 1 affected" in result.output


def test_export_writes_the_record_as_json_and_pdf(store, issued, tmp_path):
    result = licflow(store, "export", issued.case_id, "--out", str(tmp_path))

    assert result.exit_code == 0
    record = json.loads((tmp_path / "case-APP-1.json").read_text())
    assert record["chain"]["intact"] and record["replay"]["reproduced"]
    assert record["deadlines"]["due"]["statutory_due_at"]["at"] == "2025-04-21T18:30:00+05:00"
    assert record["deadlines"]["due"]["statutory_due_at"]["explanation"]["working_days"] == 5
    assert [e["seq"] for e in record["events"]] == list(range(1, len(record["events"]) + 1))
    assert (tmp_path / "case-APP-1.pdf").read_bytes().startswith(b"%PDF")


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


@pytest.mark.parametrize(
    ("asked", "heading", "started"),
    [
        ((), "APP-1 ісінің тарихы", "Басталды: 14 сәуір 2025, 10:00 (Asia/Almaty)"),  # Kazakh by default
        (("--language", "ru"), "История дела APP-1", "Начато: 14 апреля 2025, 10:00 (Asia/Almaty)"),
        (("--language", "en"), "Case history APP-1", "Started 14 April 2025, 10:00 (Asia/Almaty)"),
    ],
)
def test_the_pdf_record_is_written_in_the_language_of_who_asks(
    store, issued, tmp_path, asked, heading, started
):
    result = licflow(store, "export", issued.case_id, "--out", str(tmp_path), *asked)

    assert result.exit_code == 0
    text = pdf_text(tmp_path / "case-APP-1.pdf")
    assert text.startswith(heading) and started in text


def test_a_language_licflow_does_not_speak_is_refused_by_export(store, issued, tmp_path):
    result = licflow(store, "export", issued.case_id, "--out", str(tmp_path), "--language", "de")

    assert result.exit_code == 2 and "'de' is not one of 'kk', 'ru', 'en'" in result.output


@pytest.mark.history_edited
def test_a_history_cut_short_after_its_heads_were_exported_fails_verify(store, issued, tmp_path):
    heads = tmp_path / "heads.json"
    assert licflow(store, "heads", "--day", "2025-04-16", "--out", str(heads)).exit_code == 0
    exported = json.loads(heads.read_text())
    assert len(exported["root_hash"]) == 64
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM history_events WHERE seq > 10"))

    result = licflow(store, "verify", "--all", "--heads", str(heads))

    assert result.exit_code == 1
    assert "removed at event" in result.output


@pytest.mark.history_edited
def test_a_history_cut_short_fails_verify_without_heads_held_to_its_case_row(store, issued):
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM history_events WHERE seq > 10"))

    result = licflow(store, "verify", "--all")

    assert result.exit_code == 1
    assert f"{issued.case_id}: cut at event 11: the case row is at revision" in result.output
    assert "1 case(s) verified, 1 with a broken chain" in result.output
