"""Lint uploaded diagrams with bpmnlint (`tools/lint-diagrams.mjs`, rules in .bpmnlintrc)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINTER = ROOT / "tools" / "lint-diagrams.mjs"
LINT_TIMEOUT_SECONDS = 60
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class LintReport:
    """What bpmnlint said: `ran` is False when the linter could not run at all."""

    ran: bool
    problems: list[str]

    @property
    def clean(self) -> bool:
        return self.ran and not self.problems


def lint_diagrams(documents: dict[str, bytes]) -> LintReport:
    """Run bpmnlint over the .bpmn documents, from a temporary folder, with a time limit."""
    diagrams = {name: content for name, content in documents.items() if name.endswith(".bpmn")}
    if not diagrams:
        return LintReport(True, [])
    node = shutil.which("node")
    if node is None or not LINTER.is_file() or not (ROOT / "node_modules" / "bpmnlint").is_dir():
        return LintReport(False, ["bpmnlint is not installed here (node and `npm ci` are needed)"])
    with tempfile.TemporaryDirectory(prefix="licflow-lint-") as folder:
        paths = []
        for name, content in sorted(diagrams.items()):
            path = Path(folder) / _SAFE_NAME.sub("_", Path(name).name)
            path.write_bytes(content)
            paths.append(str(path))
        try:
            run = subprocess.run(
                [node, str(LINTER), *paths],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=LINT_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return LintReport(False, [f"bpmnlint took longer than {LINT_TIMEOUT_SECONDS} s"])
        if run.returncode == 0:
            return LintReport(True, [])
        return LintReport(run.returncode == 1, _problems(run.stdout + run.stderr, folder))


def _problems(output: str, folder: str) -> list[str]:
    """Keep bpmnlint's finding lines, with the temporary folder taken out of file names."""
    lines = []
    for line in output.splitlines():
        text = line.replace(folder + "/", "").strip()
        if text and not text.startswith(("lint-diagrams: linting", "../", "/tmp")):
            lines.append(text)
    return lines
