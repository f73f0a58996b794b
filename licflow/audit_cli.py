"""`licflow audit`: verify hash chains, replay cases, try changed diagrams, export records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import LicflowError
from engine.history.chain_check import case_ids, check_cases
from engine.history.heads import day_heads
from engine.history.record import case_record
from engine.history.record_pdf import write_record_pdf
from engine.history.replay import replay_case
from engine.history.verdict import verdict
from engine.history.what_if import what_if
from engine.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engine.runtime.definitions import read_documents
from store.db import Store


@contextmanager
def _session(settings) -> Iterator[Session]:
    """One unit of work on the installation's database, its connections closed afterwards."""
    store = Store(settings.database_url)
    try:
        with store.unit_of_work() as session:
            yield session
    finally:
        store.dispose()


def _chosen(session, cases: tuple[str, ...], every: bool) -> list[str]:
    if bool(cases) == every:
        raise click.UsageError("name the cases, or give --all")
    return case_ids(session, None if every else cases)


@click.group()
def audit() -> None:
    """Tamper evidence and replay of case histories."""


@audit.command()
@click.argument("cases", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Verify every case.")
@click.option(
    "--heads", type=click.Path(exists=True, path_type=Path), help="Hold the chains to exported heads."
)
@click.pass_obj
def verify(settings, cases: tuple[str, ...], every: bool, heads: Path | None) -> None:
    """Re-compute the hash chains and name the first event changed, removed or inserted."""
    exported = json.loads(heads.read_text())["cases"] if heads else None
    broken = 0
    with _session(settings) as session:
        ids = _chosen(session, cases, every)
        with click.progressbar(
            check_cases(session, ids, exported), length=len(ids), label="verifying"
        ) as bar:
            findings = [check for check in bar if not check.intact]
    for check in findings:
        click.echo(check.sentence())
        broken += 1
    click.echo(f"{len(ids)} case(s) verified, {broken} with a broken chain")
    if broken:
        raise SystemExit(1)


@audit.command()
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="Heads at the end of this day (Asia/Almaty).")
@click.option("--out", type=click.Path(path_type=Path), help="Write the heads here instead of stdout.")
@click.pass_obj
def heads(settings, day, out: Path | None) -> None:
    """Export each case's head hash and one root hash over all cases, for an outside party to keep."""
    wanted: date = day.date() if day else clock.now().date()
    with _session(settings) as session:
        document = day_heads(session, wanted)
    text = json.dumps(document, indent=2, sort_keys=True)
    if out:
        out.write_text(text + "\n")
        click.echo(f"{len(document['cases'])} case head(s), root {document['root_hash']} -> {out}")
    else:
        click.echo(text)


@audit.command()
@click.argument("cases", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every case.")
@click.option(
    "--definition",
    "definitions",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A changed .bpmn or .dmn to try instead (what-if; repeat for several files).",
)
@click.pass_obj
def replay(settings, cases: tuple[str, ...], every: bool, definitions: tuple[Path, ...]) -> None:
    """Rebuild cases from their recorded inputs and check every step; or try changed diagrams."""
    with _session(settings) as session:
        ids = _chosen(session, cases, every)
        try:
            if definitions:
                _what_if(session, ids, definitions)
                return
            diverged = 0
            for case_id in ids:
                result = replay_case(session, case_id)
                diverged += not result.reproduced
                click.echo(f"{case_id}: {verdict(result)}")
        except LicflowError as error:
            raise click.ClickException(str(error)) from error
    if diverged:
        raise SystemExit(1)


def _what_if(session, ids: list[str], definitions: tuple[Path, ...]) -> None:
    documents = read_documents(list(definitions))
    if not documents:
        raise click.UsageError("--definition takes .bpmn or .dmn files")
    results = what_if(session, ids, documents)
    for result in results:
        click.echo(f"{result.case_id} ({result.business_key or '-'}): {result.explanation}")
    affected = sum(r.affected for r in results)
    click.echo(f"{len(results)} case(s) replayed against {', '.join(sorted(documents))}: {affected} affected")


@audit.command()
@click.argument("case")
@click.option("--out", type=click.Path(path_type=Path), default=Path("."), help="Folder to write into.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The language of the PDF record (the reader's).",
)
@click.pass_obj
def export(settings, case: str, out: Path, language: str) -> None:
    """Write the case's whole record (events, chain, verdict, deadlines) as JSON and as PDF."""
    with _session(settings) as session:
        try:
            record = case_record(session, case)
        except LicflowError as error:
            raise click.ClickException(str(error)) from error
    out.mkdir(parents=True, exist_ok=True)
    name = f"case-{record['case']['business_key'] or case}"
    json_path = out / f"{name}.json"
    json_path.write_text(json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    pdf_path = write_record_pdf(record, out / f"{name}.pdf", language)
    click.echo(f"{json_path}\n{pdf_path}")
