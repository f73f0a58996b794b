"""The `licflow` command, run as a real process against a SQLite file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from store.models import Base
from tests.conftest import DIAGRAMS, ROOT

pytestmark = pytest.mark.slow

LICFLOW = str(Path(sys.executable).with_name("licflow"))

HOSTILE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE definitions [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_evil"
                  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="evil" name="&secret;" isExecutable="true">
    <bpmn:documentation>&secret;</bpmn:documentation>
    <bpmn:startEvent id="start" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """The environment of a licflow installation with an empty SQLite database and no diagrams."""
    bpmn_dir = tmp_path / "bpmn"
    bpmn_dir.mkdir()
    variables = {k: v for k, v in os.environ.items() if not k.startswith("LICFLOW_")}
    variables.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db' / 'licflow.db'}",
        LICFLOW_BPMN_DIR=str(bpmn_dir),
        LICFLOW_STANDINS_PORT="0",  # tests run side by side: any free port
        LICFLOW_MAIL_PORT="0",
        PYTHONPATH=str(ROOT),
    )
    return variables


def licflow(env: dict[str, str], *arguments: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LICFLOW, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_init_creates_the_schema_of_an_empty_sqlite_path_and_says_so(env, tmp_path):
    database = tmp_path / "db" / "licflow.db"
    assert not database.exists()

    result = licflow(env, "init")

    assert result.returncode == 0, result.stderr
    assert f"migrating sqlite:///{database}" in result.stdout
    assert "no diagrams in" in result.stdout
    assert result.stdout.rstrip().endswith("ready")
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {table.name for table in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_deploy_makes_a_new_version_once_then_reports_it_unchanged(env, tmp_path):
    assert licflow(env, "init").returncode == 0
    diagram = tmp_path / "core_sample.bpmn"
    diagram.write_bytes((DIAGRAMS / "core_sample.bpmn").read_bytes())

    first = licflow(env, "deploy", str(diagram))
    again = licflow(env, "deploy", str(diagram))

    assert first.returncode == 0, first.stderr
    assert "deploying 1 file(s): core_sample.bpmn" in first.stdout
    assert "core_sample v1 (new version)" in first.stdout
    assert again.returncode == 0, again.stderr
    assert "core_sample v1 (unchanged)" in again.stdout
    assert "new version" not in again.stdout


def test_deploy_refuses_xml_with_an_external_entity_and_leaks_nothing(env, tmp_path):
    assert licflow(env, "init").returncode == 0
    hostile = tmp_path / "evil.bpmn"
    hostile.write_text(HOSTILE_XML)

    result = licflow(env, "deploy", str(hostile))

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Error:" in result.stderr
    assert "evil.bpmn" in result.stderr
    assert "DOCTYPE or ENTITY declaration is not allowed" in result.stderr
    assert "Traceback" not in output
    for line in Path("/etc/passwd").read_text().splitlines():
        if line.strip():
            assert line not in output
    assert "root:" not in output


def test_serve_refuses_to_start_when_a_deployed_topic_has_no_worker(env, tmp_path):
    (Path(env["LICFLOW_BPMN_DIR"]) / "core_sample.bpmn").write_bytes(
        (DIAGRAMS / "core_sample.bpmn").read_bytes()
    )
    assert licflow(env, "init").returncode == 0

    result = licflow(env, "serve", "--port", str(_free_port()), timeout=30)

    assert result.returncode != 0
    assert "no worker is registered for topic(s): sample.check" in result.stderr
    assert "--workers MODULE" in result.stderr
    assert "serving on" not in result.stdout
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
