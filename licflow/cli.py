"""The `licflow` command."""

from __future__ import annotations

import logging
import secrets
import socket
import sys
from pathlib import Path

import click

from engine.errors import LicflowError
from engine.orchestrator import Orchestrator
from engine.runtime.definitions import read_documents, topics_in_use
from engine.worker import WorkerRegistry
from licflow.audit_cli import audit
from licflow.calendar_cli import calendar
from licflow.portal_cli import portal
from licflow.settings import ROOT, Settings
from licflow.user_cli import user
from licflow.wiring import install_procedure
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
    install_procedure()
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
@click.option(
    "--no-workers",
    "external_workers_only",
    is_flag=True,
    help="Run no workers here: `licflow worker` processes serve every topic.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=0),
    help="Web processes (default: one per core, or LICFLOW_PROCESSES); 0 serves from this one process.",
)
@click.pass_obj
def serve(
    settings: Settings,
    port: int | None,
    worker_modules: tuple[str, ...],
    external_workers_only: bool,
    processes: int | None,
) -> None:
    """Serve the web app with the timer scheduler and in-process workers."""
    from dataclasses import replace

    from licflow.serving import Server

    settings = replace(
        settings,
        port=port or settings.port,
        worker_modules=settings.worker_modules + worker_modules,
        processes=settings.processes if processes is None else processes,
    )
    from licflow.embedded import start_embedded_world

    orchestrator = _orchestrator(settings)
    from licflow.staff import secret_key, seed_demo_users

    settings = replace(settings, secret_key=secret_key(settings))
    staff_notes = seed_demo_users(orchestrator)
    registry = _checked_registry(orchestrator, settings.worker_modules)
    if external_workers_only:
        registry = WorkerRegistry()
    tokens = _api_tokens()
    server = Server(orchestrator, settings, registry, tokens)
    world = start_embedded_world(server.address, next(iter(tokens.values())))
    click.echo(f"licflow serving on {server.address} (database {_safe_url(settings.database_url)})")
    click.echo(f"API token: see {TOKEN_FILE} (send it as 'Authorization: Bearer <token>')")
    for note in world.notes + staff_notes + [_trusted_ca_note()]:
        click.echo(note)
    sys.stdout.flush()
    try:
        server.run()
    finally:
        world.stop()


@main.command()
@click.option("--workers", "worker_modules", multiple=True, help="Extra worker module to load.")
@click.option(
    "--engine-url",
    envvar="LICFLOW_ENGINE_URL",
    default="http://127.0.0.1:8080",
    show_default=True,
    help="The licflow server (its /engine-rest API).",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=TOKEN_FILE,
    show_default=True,
    help="File holding the API token (LICFLOW_API_TOKEN overrides it).",
)
@click.option("--topic", "only_topics", multiple=True, help="Serve only this topic (repeatable).")
@click.option("--except-topic", "except_topics", multiple=True, help="Do not serve this topic (repeatable).")
@click.option(
    "--lock-duration",
    type=click.FloatRange(min=1),
    default=300,
    show_default=True,
    help="Seconds a fetched task stays locked; a worker that dies loses it after this.",
)
@click.option("--id", "worker_id", default=None, help="Worker id (default: host and process id).")
@click.option("--once", is_flag=True, help="Handle what is available now, then exit.")
@click.pass_obj
def worker(
    settings: Settings,
    worker_modules: tuple[str, ...],
    engine_url: str,
    token_file: Path,
    only_topics: tuple[str, ...],
    except_topics: tuple[str, ...],
    lock_duration: float,
    worker_id: str | None,
    once: bool,
) -> None:
    """Run workers in a separate process, over the engine's Camunda external-task REST API."""
    import os
    import signal

    from licflow.remote_worker import EngineUnavailable, RemoteWorker

    registry = load_registry(settings.worker_modules + worker_modules)
    topics = _served_topics(set(registry.handlers), only_topics, except_topics)
    token = os.environ.get("LICFLOW_API_TOKEN") or _read_token(token_file)
    worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}"
    remote = RemoteWorker(
        engine_url, token, registry, worker_id, lock_duration_ms=int(lock_duration * 1000), topics=topics
    )
    click.echo(f"worker {worker_id} serving {engine_url} topics: {', '.join(topics)}")
    sys.stdout.flush()
    try:
        if once:
            click.echo(f"handled {remote.drain()} task(s)")
            return
        signal.signal(signal.SIGTERM, lambda *_: remote.stop())
        remote.run_forever()
    except EngineUnavailable as error:
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt:
        pass
    finally:
        remote.close()


@main.command()
@click.option("--url", help="The running licflow server (default http://LICFLOW_HOST:LICFLOW_PORT).")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=TOKEN_FILE,
    show_default=True,
    help="The server's API token (LICFLOW_API_TOKEN overrides it).",
)
@click.option("--ca-key", type=click.Path(dir_okay=False, path_type=Path), help="Default var/test-ca.key.")
@click.option(
    "--ca-cert", type=click.Path(dir_okay=False, path_type=Path), help="Default: LICFLOW_TRUSTED_CA's file."
)
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), help="Default var/demo.")
@click.option("--timeout", type=click.FloatRange(min=1), default=120, show_default=True)
@click.pass_obj
def demo(settings: Settings, url, token_file, ca_key, ca_cert, state_dir, timeout) -> None:
    """Submit the seeded stories' applications through the signed portal API of the running server."""
    from licflow.demo import DemoError, DemoPaths, api_token, run_demo
    from licflow.demo_stories import seeded_stories
    from procedure.portal.settings import PortalSettings

    defaults = DemoPaths()
    paths = DemoPaths(
        ca_key or defaults.ca_key,
        ca_cert or PortalSettings.from_environment().trusted_ca,
        state_dir or defaults.state,
    )
    url = (url or f"http://{settings.host}:{settings.port}").rstrip("/")
    try:
        submitted, left = run_demo(
            _orchestrator(settings), url, api_token(token_file), paths, seeded_stories(), timeout, click.echo
        )
    except (DemoError, LicflowError) as error:
        raise click.ClickException(str(error)) from error
    new = sum(entry.created for entry in submitted)
    click.echo(
        f"{new} new application(s), {len(submitted) - new} sent before; "
        f"applicants' passwords in {paths.passwords}"
    )
    if left:
        click.echo(f"still waiting for their case to reach the officer: {', '.join(left)}")
    click.echo(f"tasks: {url}/tasks, cases: {url}/cases (staff passwords: var/demo-users.txt)")


def _trusted_ca_note() -> str:
    from procedure.portal.settings import PortalSettings

    trusted = PortalSettings.from_environment().trusted_ca
    missing = "" if trusted.exists() else " (missing yet: `licflow demo` makes its test CA there)"
    return f"the portal trusts the CA certificates in {trusted}{missing}"


def _served_topics(registered: set[str], only: tuple[str, ...], excluded: tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted((set(only) | set(excluded)) - registered)
    if unknown:
        raise click.BadParameter(f"no worker is registered for: {', '.join(unknown)}", param_hint="--topic")
    topics = tuple(sorted((set(only) or registered) - set(excluded)))
    if not topics:
        raise click.UsageError("no topic left to serve")
    return topics


def _read_token(path: Path) -> str:
    try:
        token = path.read_text().strip()
    except OSError as error:
        raise click.ClickException(
            f"cannot read the API token from {path} ({error.strerror}); "
            "give --token-file or set LICFLOW_API_TOKEN"
        ) from error
    if not token:
        raise click.ClickException(f"{path} is empty")
    return token


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
main.add_command(portal)
main.add_command(user)
main.add_command(audit)
