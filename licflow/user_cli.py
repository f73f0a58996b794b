"""`licflow user add`: create a person who signs in, with roles and a hashed password."""

from __future__ import annotations

import sys

import click

from engine.errors import LicflowError
from engine.i18n import LANGUAGES
from engine.orchestrator import Orchestrator
from engine.people.users import ROLES, add_user
from licflow.settings import Settings
from store.db import Store


@click.group()
def user() -> None:
    """Manage the people who sign in."""


@user.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Repeatable.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--applicant-id", default=None, help="BIN/IIN of an applicant user.")
@click.option("--full-name", default=None, help="The person's name as pages show it.")
@click.option(
    "--language",
    default=None,
    type=click.Choice(LANGUAGES),
    help="The language of the pages (kk, ru, en); without it the browser's, else Kazakh.",
)
@click.pass_obj
def add(
    settings: Settings,
    username: str,
    roles: tuple[str, ...],
    password_stdin: bool,
    applicant_id: str | None,
    full_name: str | None,
    language: str | None,
) -> None:
    """Add USERNAME with one or more roles; the password is prompted for unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    orchestrator = Orchestrator(Store(settings.database_url))
    try:
        with orchestrator.transaction() as db:
            add_user(
                db,
                username,
                password,
                list(roles),
                applicant_id=applicant_id,
                full_name=full_name,
                language=language,
            )
    except LicflowError as error:
        raise click.ClickException(str(error)) from error
    finally:
        orchestrator.store.dispose()
    click.echo(f"user {username} added with roles {', '.join(sorted(set(roles)))}")
