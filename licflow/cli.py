"""The `licflow` command."""

from __future__ import annotations

import logging
import secrets
import socket
import sys
from datetime import timedelta
from pathlib import Path

import click

from engine.definitions import read_documents, topics_in_use
from engine.errors import LicflowError
from engine.orchestrator import Orchestrator
from engine.worker_loop import WorkerLoop
from licflow.calendar_cli import calendar
from licflow.settings import ROOT, Settings
from licflow.workers import load_registry
from store.db import Store
from store.migrate import upgrade

TOKEN_FILE = ROOT / "var" / "api-token"


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
@click.pass_context
def main(context: click.Context, verbose: bool) -> None:
    """licflow: BPMN orchestration of the import/export license procedure."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    context.obj = Settings.from_environment()


def _orchestrator(settings: Settings) -> Orchestrator:
    return Orchestrator(Store(settings.database_url))


def _deploy(orchestrator: Orchestrator, paths: list[Path]) -> None:
    documents = read_documents(paths)
    if not documents:
        raise click.ClickException(f"no .bpmn or .dmn files in {', '.join(map(str, paths))}")
    click.echo(f"deploying {len(documents)} file(s): {', '.join(sorted(documents))}")
    try:
        results = orchestrator.deploy(documents, actor="cli")
    except LicflowError as error:
        raise click.ClickException(str(error)) from error
    for result in results:
        state = "new version" if result.created else "unchanged"
        click.echo(f"  {result.key} v{result.version} ({state})")


@main.command()
@click.pass_obj
def init(settings: Settings) -> None:
    """Create or migrate the database, then deploy the diagrams in bpmn/."""
    click.echo(f"migrating {_safe_url(settings.database_url)} ...")
    upgrade(settings.database_url)
    if any(settings.bpmn_dir.rglob("*.bpmn")):
        _deploy(_orchestrator(settings), [settings.bpmn_dir])
    else:
        click.echo(f"no diagrams in {settings.bpmn_dir} yet")
    click.echo("ready")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def deploy(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Deploy .bpmn/.dmn files or folders; a process gets a new version only if it changed."""
    _deploy(_orchestrator(settings), list(paths))


@main.command()
@click.option("--port", type=int, help="Port on 127.0.0.1 (default 8080, or LICFLOW_PORT).")
@click.option("--workers", "worker_modules", multiple=True, help="Extra worker module to load.")
@click.pass_obj
def serve(settings: Settings, port: int | None, worker_modules: tuple[str, ...]) -> None:
    """Serve the web app with the timer scheduler and in-process workers."""
    from dataclasses import replace

    from licflow.serving import Server

    settings = replace(
        settings, port=port or settings.port, worker_modules=settings.worker_modules + worker_modules
    )
    from licflow.embedded import start_embedded_world

    orchestrator = _orchestrator(settings)
    registry = _checked_registry(orchestrator, settings.worker_modules)
    tokens = _api_tokens()
    server = Server(orchestrator, settings, registry, tokens)
    world = start_embedded_world(server.address, next(iter(tokens.values())))
    click.echo(f"licflow serving on {server.address} (database {_safe_url(settings.database_url)})")
    click.echo(f"API token: see {TOKEN_FILE} (send it as 'Authorization: Bearer <token>')")
    for note in world.notes:
        click.echo(note)
    sys.stdout.flush()
    try:
        server.run()
    finally:
        world.stop()


@main.command()
@click.option("--workers", "worker_modules", multiple=True, help="Worker module to load.")
@click.option("--id", "worker_id", default=None, help="Worker id (default: host and process id).")
@click.option("--once", is_flag=True, help="Handle what is available now, then exit.")
@click.pass_obj
def worker(settings: Settings, worker_modules: tuple[str, ...], worker_id: str | None, once: bool) -> None:
    """Run workers in this separate process, against the same database."""
    import os

    orchestrator = _orchestrator(settings)
    registry = load_registry(settings.worker_modules + worker_modules)
    if not registry.handlers:
        raise click.ClickException("no worker modules given: use --workers MODULE or LICFLOW_WORKERS")
    worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}"
    loop = WorkerLoop(orchestrator.store, registry, worker_id, lock_duration=timedelta(minutes=5))
    click.echo(f"worker {worker_id} serving topics: {', '.join(sorted(registry.handlers))}")
    if once:
        click.echo(f"handled {loop.drain()} task(s)")
        return
    loop.start()
    try:
        loop.wait()
    except KeyboardInterrupt:
        loop.stop()


def _checked_registry(orchestrator: Orchestrator, modules: tuple[str, ...]):
    registry = load_registry(modules)
    with orchestrator.transaction() as session:
        topics = topics_in_use(session)
    try:
        registry.require(topics)
    except LicflowError as error:
        raise click.ClickException(f"{error} (load them with --workers MODULE)") from error
    return registry


def _api_tokens() -> dict[str, str]:
    """Read the API token of this installation, creating one on first use."""
    TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    if not TOKEN_FILE.exists():
        TOKEN_FILE.write_text(secrets.token_urlsafe(32) + "\n")
        TOKEN_FILE.chmod(0o600)
    return {"local": TOKEN_FILE.read_text().strip()}


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


main.add_command(calendar)
