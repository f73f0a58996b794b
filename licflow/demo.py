"""`licflow demo`: submit the seeded stories through the signed portal API of a running server.

The demo plays the applicants and, where a story says so, the officer:
1. the test CA (`var/test-ca.key` and the trusted bundle the server reads, by default
   `var/trusted-ca.pem`) is made when neither exists, so `make run`'s defaults trust it;
2. each seeded applicant gets a portal user (`demo-<BIN/IIN>`, passwords in
   `var/demo/applicants.txt`) and a signing certificate from that CA;
3. each story's application is signed once and kept in `var/demo/signed/`, and posted to
   `/api/portal/applications`: sent again, the same signed document is the same
   application, so a second run submits nothing new;
4. the officer's decisions go through `/api/engine/tasks` with the server's API token,
   once each case waits for them; stories marked `demo_until` are left there.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from engine import clock
from engine.orchestrator import Orchestrator
from engine.people.users import add_user, find_user, set_password
from licflow import portal_signing
from licflow.demo_stories import HEARING, REVIEW, Story, application_xml
from licflow.settings import ROOT

EMPLOYEE_IIN = "850315301235"  # the employee who signs for a legal entity in the demo
RESULTS = ("license_issued", "refused", "not_considered")
HEARD = "preliminary_refusal_hearing"
DAY = timedelta(days=1)


class DemoError(Exception):
    """The demo cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo keeps its CA, keys, signed documents and applicant passwords."""

    ca_key: Path = ROOT / "var" / "test-ca.key"
    ca_cert: Path = ROOT / "var" / "trusted-ca.pem"
    state: Path = ROOT / "var" / "demo"

    @property
    def passwords(self) -> Path:
        return self.state / "applicants.txt"


@dataclass
class Submitted:
    """A story's application as the portal answered it."""

    story: Story
    number: str
    status: str
    created: bool
    done: set[str] = field(default_factory=set)  # the elements whose task the officer completed
    tasks: set[str] = field(default_factory=set)  # the task ids completed

    @property
    def last_step(self) -> str:
        """The task after which the officer has done all the story asks."""
        return HEARING if self.story.grounds and self.story.stops_at != HEARING else REVIEW

    @property
    def final_status(self) -> str | None:
        """The status the story's case shows once the officer's part has gone through, if it acts."""
        if not self.story.acts:
            return None
        if self.last_step == REVIEW and self.story.grounds:
            return HEARD
        return "refused" if self.story.grounds else "license_issued"

    @property
    def officer_done(self) -> bool:
        """Whether the officer has nothing left to do on this story."""
        if not self.story.acts or self.status in RESULTS or self.last_step in self.done:
            return True
        return self.status == HEARD and self.last_step == REVIEW


def ensure_ca(paths: DemoPaths) -> tuple[object, x509.Certificate, bool]:
    """Return the demo CA's key and certificate, making them when neither exists yet."""
    if paths.ca_key.exists() and paths.ca_cert.exists():
        key = serialization.load_pem_private_key(paths.ca_key.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(paths.ca_cert.read_bytes()), False
    if paths.ca_key.exists() or paths.ca_cert.exists():
        raise DemoError(
            f"{paths.ca_cert} or {paths.ca_key} exists without the other: the demo signs with the CA the "
            "server trusts, so give both (--ca-key, --ca-cert), or remove the one left over"
        )
    key, certificate = portal_signing.make_ca("licflow demo CA")
    _write(paths.ca_key, portal_signing.key_pem(key), private=True)
    _write(paths.ca_cert, portal_signing.certificate_pem(certificate))
    return key, certificate, True


def ensure_users(orchestrator: Orchestrator, stories: list[Story], paths: DemoPaths) -> dict[str, str]:
    """Give each story's applicant a portal user; return {applicant id: password}."""
    known = _read_passwords(paths.passwords)
    with orchestrator.transaction() as db:
        for story in stories:
            username = f"demo-{story.applicant_id}"
            if find_user(db, username) is None:
                known[story.applicant_id] = secrets.token_urlsafe(12)
                add_user(
                    db, username, known[story.applicant_id], ["applicants"], story.applicant_id, story.name
                )
            elif story.applicant_id not in known:  # made by an earlier demo whose passwords are gone
                known[story.applicant_id] = secrets.token_urlsafe(12)
                set_password(db, username, known[story.applicant_id])
    lines = [f"demo-{applicant_id}\t{password}" for applicant_id, password in sorted(known.items())]
    _write(paths.passwords, ("# user\tpassword (licflow demo)\n" + "\n".join(lines) + "\n").encode(), True)
    return known


def signed_application(story: Story, authority, paths: DemoPaths) -> bytes:
    """Return the story's signed application, signing it only the first time."""
    kept = paths.state / "signed" / f"{story.applicant_id}.xml"
    if kept.exists():
        return kept.read_bytes()
    ca_key, ca_certificate = authority
    start = clock.now()
    iin, bin_ = (story.applicant_id, None) if story.individual else (EMPLOYEE_IIN, story.applicant_id)
    key, certificate = portal_signing.make_certificate(
        ca_key, ca_certificate, f"{story.name} signer", iin, bin_, start - DAY, start + 365 * DAY
    )
    document = portal_signing.sign(application_xml(story), key, certificate)
    _write(kept, document)
    return document


def submit(portal: httpx.Client, story: Story, password: str, document: bytes) -> Submitted:
    """POST a signed application as its applicant; return the application."""
    answer = portal.post(
        "/api/portal/applications",
        content=document,
        auth=(f"demo-{story.applicant_id}", password),
        headers={"Content-Type": "application/xml"},
    )
    if answer.status_code == 422 and answer.json().get("type") in (
        "UntrustedCertificate",
        "CertificateExpired",
    ):
        raise DemoError(
            f"the server does not trust the demo CA ({answer.json()['message']}): start it with "
            "LICFLOW_TRUSTED_CA unset (var/trusted-ca.pem) or pointing at the demo's --ca-cert"
        )
    if answer.status_code == 503:
        raise DemoError(f"the server has no trusted CA yet: {answer.json()['message']}")
    if answer.status_code not in (200, 201):
        raise DemoError(
            f"{story.applicant_id}: the portal answered {answer.status_code}: {answer.text[:300]}"
        )
    body = answer.json()
    return Submitted(story, body["number"], body["status"], answer.status_code == 201)


def play_officer(
    engine: httpx.Client, submitted: list[Submitted], timeout: float, say: Callable
) -> list[str]:
    """Complete each story's officer tasks once its case waits for them; return the stories left waiting."""
    waiting = {s.number: s for s in submitted if not s.officer_done}
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        for task in _open_tasks(engine):
            entry = waiting.get(task.get("businessKey"))
            decision = entry.story.decision(task["elementId"]) if entry else None
            if decision and task["id"] not in entry.tasks:
                _complete(engine, task["id"], decision)
                entry.tasks.add(task["id"])
                entry.done.add(task["elementId"])
                say(f"  officer: {entry.number} {task['elementId']} -> {_what(decision)}")
        waiting = {number: entry for number, entry in waiting.items() if not entry.officer_done}
        if waiting:
            time.sleep(0.5)
    return [f"{s.number} ({s.story.name})" for s in waiting.values()]


def await_results(portal: httpx.Client, submitted: list[Submitted], passwords: dict, timeout: float) -> None:
    """Wait until each case the officer acted on shows its stage (the workers finish after the officer)."""
    pending = [s for s in submitted if s.final_status and s.status != s.final_status]
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for entry in pending:
            answer = portal.get(
                f"/api/portal/applications/{entry.number}",
                auth=(f"demo-{entry.story.applicant_id}", passwords[entry.story.applicant_id]),
            )
            if answer.status_code == 200:
                entry.status = answer.json()["status"]
        pending = [s for s in pending if s.status != s.final_status]
        if pending:
            time.sleep(0.5)


def _open_tasks(engine: httpx.Client) -> list[dict]:
    answer = engine.get("/api/engine/tasks")
    if answer.status_code == 401:
        raise DemoError("the server refused the API token: give --token-file of that server (var/api-token)")
    answer.raise_for_status()
    return answer.json()


def _complete(engine: httpx.Client, task_id: str, variables: dict) -> None:
    answer = engine.post(f"/api/engine/tasks/{task_id}/complete", json={"variables": variables})
    if answer.status_code not in (200, 404, 409):  # 404/409: someone completed it meanwhile
        raise DemoError(f"completing task {task_id} answered {answer.status_code}: {answer.text[:300]}")


def _what(decision: dict) -> str:
    return decision.get("decision") or f"hearing outcome {decision.get('hearing_outcome')}"


def _read_passwords(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("\t") for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return {user.removeprefix("demo-"): password for user, password in pairs}


def _write(path: Path, content: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if private:
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
    path.write_bytes(content)


def api_token(token_file: Path) -> str:
    """Return the server's API token from LICFLOW_API_TOKEN or `token_file`."""
    token = os.environ.get("LICFLOW_API_TOKEN")
    if token:
        return token
    try:
        return token_file.read_text().strip()
    except OSError as error:
        raise DemoError(
            f"cannot read the server's API token from {token_file} ({error.strerror}): is `make run` "
            "serving from this directory? (or give --token-file / LICFLOW_API_TOKEN)"
        ) from error


def run_demo(
    orchestrator: Orchestrator, url: str, token: str, paths: DemoPaths, stories: list[Story], timeout: float,
    say: Callable[[str], None],
) -> tuple[list[Submitted], list[str]]:  # fmt: skip
    """Submit every story's application and play the officer; return them and the stories left waiting."""
    ca_key, ca_certificate, made = ensure_ca(paths)
    if made:
        say(f"made the demo CA: {paths.ca_cert} (trusted by a server with the default LICFLOW_TRUSTED_CA)")
    passwords = ensure_users(orchestrator, stories, paths)
    engine_headers = {"Authorization": f"Bearer {token}"}
    try:
        with (
            httpx.Client(base_url=url, timeout=30) as portal,
            httpx.Client(base_url=url, timeout=30, headers=engine_headers) as engine,
        ):
            submitted = []
            for story in stories:
                document = signed_application(story, (ca_key, ca_certificate), paths)
                entry = submit(portal, story, passwords[story.applicant_id], document)
                submitted.append(entry)
                state = "submitted" if entry.created else "sent before"
                say(f"{entry.number}  {state:11}  {story.name}: {story.story}")
            deadline = time.monotonic() + timeout
            left = play_officer(engine, submitted, timeout, say)
            await_results(portal, submitted, passwords, max(deadline - time.monotonic(), 1))
            return submitted, left
    except httpx.TransportError as error:
        raise DemoError(f"nothing answers at {url} ({error}): start the server first (`make run`)") from error
