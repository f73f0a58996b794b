"""Every BPMN diagram must pass bpmnlint (``.bpmnlintrc``: ``bpmnlint:recommended``).

Runs ``tools/lint-diagrams.mjs`` (the script behind ``npm run lint:bpmn``), which
treats warnings as failures (``--max-warnings=0``).

Missing tooling (node, node_modules) skips the tests locally, but fails them when
``CI=true``. Install with ``npm ci``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.diagrams.tooling import diagram_files, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
LINT_SCRIPT = ROOT / "tools" / "lint-diagrams.mjs"
BPMNLINT = ROOT / "node_modules" / "bpmnlint" / "bin" / "bpmnlint.js"
SAMPLE = ROOT / "tests" / "diagrams" / "core_sample.bpmn"


@pytest.fixture(scope="module")
def lint():
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node not found on PATH: install Node.js >= 20")
    if not BPMNLINT.is_file():
        skip_or_fail(f"bpmnlint not installed ({BPMNLINT} missing): run `npm ci`")

    def run(*paths: Path | str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [node, str(LINT_SCRIPT), *map(str, paths)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )

    return run


@pytest.mark.parametrize("diagram", diagram_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_diagram_passes_bpmnlint(lint, diagram: Path):
    proc = lint(diagram)
    assert proc.returncode == 0, f"bpmnlint reported problems:\n{proc.stdout}\n{proc.stderr}"


def test_lint_all_default_set(lint):
    """What `npm run lint:bpmn` runs: bpmn/**/*.bpmn, tests/diagrams/*.bpmn and bench/*.bpmn."""
    proc = lint()
    assert proc.returncode == 0, f"bpmnlint reported problems:\n{proc.stdout}\n{proc.stderr}"
    for diagram in diagram_files():
        assert str(diagram.relative_to(ROOT)) in proc.stdout


def test_empty_directory_is_not_an_error(lint, tmp_path: Path):
    proc = lint(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no .bpmn files found" in proc.stdout


# Negative checks: prove that problems are really reported.


def test_unlabelled_task_fails(lint, tmp_path: Path):
    xml = SAMPLE.read_text(encoding="utf-8")
    broken = xml.replace('<bpmn:userTask id="review" name="Review"', '<bpmn:userTask id="review"')
    assert broken != xml
    path = tmp_path / "unlabelled.bpmn"
    path.write_text(broken, encoding="utf-8")
    proc = lint(path)
    assert proc.returncode != 0
    assert "label-required" in proc.stdout


def test_warning_only_fails(lint, tmp_path: Path):
    """A plain (non-gateway) flow with a label is only a bpmnlint *warning*; it must still fail."""
    xml = SAMPLE.read_text(encoding="utf-8")
    broken = xml.replace('id="flow_start_check" ', 'id="flow_start_check" name="Go" ')
    assert broken != xml
    path = tmp_path / "superfluous_label.bpmn"
    path.write_text(broken, encoding="utf-8")
    proc = lint(path)
    assert proc.returncode != 0
    assert "superfluous-label" in proc.stdout


def test_non_xml_fails(lint, tmp_path: Path):
    path = tmp_path / "junk.bpmn"
    path.write_text("this is not XML", encoding="utf-8")
    proc = lint(path)
    assert proc.returncode != 0
    assert "Parse error" in proc.stdout


def test_missing_di_fails(lint, tmp_path: Path):
    xml = SAMPLE.read_text(encoding="utf-8")
    start = xml.index('<bpmndi:BPMNShape id="review_di"')
    end = xml.index("</bpmndi:BPMNShape>", start) + len("</bpmndi:BPMNShape>")
    path = tmp_path / "no_di.bpmn"
    path.write_text(xml[:start] + xml[end:], encoding="utf-8")
    proc = lint(path)
    assert proc.returncode != 0
    assert "no-bpmndi" in proc.stdout
