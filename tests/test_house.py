"""The house stays walkable: small rooms, small modules, each room says what lives there."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

PACKAGES = ["engine", "procedure", "web", "workers", "licflow", "store", "standins"]
MAX_MODULES_PER_PACKAGE = 16  # ~15 modules besides __init__.py
MAX_MODULE_LINES = 400


def _package_dirs():
    for top in PACKAGES:
        for init in sorted((ROOT / top).rglob("__init__.py")):
            if "migrations" not in init.parts:
                yield init.parent


@pytest.mark.parametrize("package", list(_package_dirs()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_package_holds_more_than_about_fifteen_modules(package):
    modules = [p for p in package.glob("*.py") if p.name != "__init__.py"]
    assert len(modules) <= MAX_MODULES_PER_PACKAGE, (
        f"{package.relative_to(ROOT)} holds {len(modules)} modules"
    )


def test_no_module_passes_four_hundred_lines():
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for top in PACKAGES
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


@pytest.mark.parametrize(
    "package",
    [
        "engine",
        "engine/dialect",
        "engine/runtime",
        "engine/people",
        "engine/history",
        "procedure",
        "procedure/portal",
    ],
)
def test_each_room_of_the_engine_and_the_procedure_says_what_lives_there(package):
    docstring = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
    assert docstring and len(docstring.split()) >= 25, f"{package}/__init__.py needs a paragraph"
