"""Every BPMN diagram must open in bpmn-js (the renderer used by Camunda Modeler).

The test serves ``tools/bpmn-viewer/`` and ``node_modules/`` from a loopback HTTP
server it starts itself, opens the viewer page in headless Debian Chromium
(``/usr/bin/chromium``, driven by the Python ``playwright`` package; no downloaded
browser) and imports each diagram with ``window.loadDiagram(xml)``.

Missing tooling (chromium, node_modules, the playwright package) skips the tests
locally, but fails them when ``CI=true``.

Install: ``apt-get install -y chromium``, ``npm ci``, ``.venv/bin/pip install playwright``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from tests.diagrams.tooling import chromium_browser, diagram_files, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
VIEWER_DIR = ROOT / "tools" / "bpmn-viewer"
NODE_MODULES = ROOT / "node_modules"
BPMN_JS = NODE_MODULES / "bpmn-js" / "dist" / "bpmn-navigated-viewer.production.min.js"
IMPORT_TIMEOUT_MS = 30_000

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


# --------------------------------------------------------------------------- fixtures


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves only /tools/bpmn-viewer/ and /node_modules/ from the repository root."""

    ALLOWED_PREFIXES = ("/tools/bpmn-viewer/", "/node_modules/")

    def send_head(self):  # noqa: D102
        path = urlsplit(self.path).path
        if not path.startswith(self.ALLOWED_PREFIXES) or ".." in path:
            self.send_error(404, "not served")
            return None
        return super().send_head()

    def log_message(self, format, *args):  # noqa: A002 - keep pytest output quiet
        pass


@pytest.fixture(scope="module")
def viewer_url():
    if not NODE_MODULES.is_dir() or not BPMN_JS.is_file():
        skip_or_fail(f"bpmn-js not installed ({BPMN_JS} missing): run `npm ci`")
    handler = functools.partial(_Handler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="bpmn-viewer-http", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}/tools/bpmn-viewer/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def viewer(browser, viewer_url):
    """A fresh viewer page; returns a function xml -> importResult dict."""
    page = browser.new_page()
    page_errors: list[str] = []
    foreign_requests: list[str] = []
    origin = viewer_url.split("/tools/", 1)[0] + "/"

    def guard(route):
        # The viewer must work offline: anything outside the loopback server is blocked.
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            foreign_requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    page.goto(viewer_url)
    page.wait_for_function("typeof window.loadDiagram === 'function'", timeout=IMPORT_TIMEOUT_MS)

    def load(xml: str) -> dict:
        result = page.evaluate("xml => window.loadDiagram(xml)", xml)
        assert page.evaluate("window.importResult") == result
        return result

    load.page_errors = page_errors
    load.foreign_requests = foreign_requests
    try:
        yield load
    finally:
        page.close()


# --------------------------------------------------------------------------- checks

NOT_RENDERED = {
    "documentation",
    "extensionElements",
    "laneSet",
    "ioSpecification",
    "property",
    "dataObject",
}


def flow_element_ids(xml: str) -> set[str]:
    """Ids of the process / sub-process children that bpmn-js should render."""
    tree = etree.fromstring(xml.encode("utf-8"))
    ids = set()
    for proc in tree.iter(f"{{{BPMN_NS}}}process", f"{{{BPMN_NS}}}subProcess"):
        for child in proc:
            if not isinstance(child.tag, str) or etree.QName(child).namespace != BPMN_NS:
                continue
            if etree.QName(child).localname not in NOT_RENDERED and child.get("id"):
                ids.add(child.get("id"))
    return ids


def import_problems(viewer, xml: str) -> list[str]:
    """Load xml into the viewer page; return every problem found (empty list = OK)."""
    result = viewer(xml)
    problems = []
    if not result["ok"] or result["error"] is not None:
        problems.append(f"bpmn-js import failed: {result['error']}")
    problems += [f"bpmn-js import warning: {w}" for w in result["warnings"]]
    if result["ok"]:
        # bpmn-js silently skips elements that have no BPMN DI; catch that too.
        missing = flow_element_ids(xml) - set(result["elementIds"])
        if missing:
            problems.append(f"elements not rendered (no BPMN DI?): {sorted(missing)}")
    problems += [f"JS error on page: {e}" for e in viewer.page_errors]
    problems += [f"request outside the loopback server: {u}" for u in viewer.foreign_requests]
    return problems


# --------------------------------------------------------------------------- tests


def test_there_are_diagrams_to_check():
    assert diagram_files(), "no .bpmn files found under bpmn/ or tests/diagrams/"


@pytest.mark.parametrize("diagram", diagram_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_diagram_opens_in_bpmn_js(viewer, diagram: Path):
    problems = import_problems(viewer, diagram.read_text(encoding="utf-8"))
    assert problems == [], f"{diagram.relative_to(ROOT)}:\n" + "\n".join(problems)


# Negative checks: prove the harness really reports problems.

SAMPLE = ROOT / "tests" / "diagrams" / "core_sample.bpmn"


def _cut(xml: str, start_marker: str, end_marker: str) -> str:
    start = xml.index(start_marker)
    end = xml.index(end_marker, start) + len(end_marker)
    return xml[:start] + xml[end:]


def test_non_xml_is_reported_as_import_error(viewer, tmp_path: Path):
    path = tmp_path / "junk.bpmn"
    path.write_text("this is not a BPMN diagram", encoding="utf-8")
    problems = import_problems(viewer, path.read_text(encoding="utf-8"))
    assert any(p.startswith("bpmn-js import failed") for p in problems), problems


def test_unresolved_reference_is_reported_as_warning(viewer):
    xml = SAMPLE.read_text(encoding="utf-8")
    broken = xml.replace('targetRef="review"', 'targetRef="no_such_task"', 1)
    assert broken != xml
    problems = import_problems(viewer, broken)
    assert any("warning" in p and "no_such_task" in p for p in problems), problems


def test_missing_di_is_reported(viewer):
    xml = SAMPLE.read_text(encoding="utf-8")
    broken = _cut(xml, '<bpmndi:BPMNShape id="end_done_di"', "</bpmndi:BPMNShape>")
    broken = _cut(broken, '<bpmndi:BPMNEdge id="flow_wait_done_di"', "</bpmndi:BPMNEdge>")
    problems = import_problems(viewer, broken)
    assert problems == ["elements not rendered (no BPMN DI?): ['end_done', 'flow_wait_done']"]


def test_query_string_loading_reports_fetch_errors(browser, viewer_url):
    page = browser.new_page()
    try:
        page.goto(viewer_url + "?diagram=does-not-exist.bpmn")
        page.wait_for_function("window.importResult !== null", timeout=IMPORT_TIMEOUT_MS)
        result = page.evaluate("window.importResult")
        assert result["ok"] is False
        assert "404" in result["error"]
    finally:
        page.close()
