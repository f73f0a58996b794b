"""Hostile scripts fail quickly with a clear error, and touch nothing outside their sandbox."""

from __future__ import annotations

import re
import time

import pytest

from engine.dialect.scripts import (
    ScriptError,
    ScriptFailed,
    ScriptLimits,
    ScriptRefused,
    ScriptSyntaxError,
    compile_script,
)

QUICKLY = 2.5  # seconds: the default wall-clock budget is 1 s, plus a worker restart
# On a loaded machine the wall clock may end a long run before its step budget does.
BUDGET = ("evaluation steps", "ran longer than 1 s")

PYTHON_PAYLOADS = [
    ("import", "import os\nos.system('touch {sentinel}')", ScriptRefused, "import is not allowed"),
    (
        "dunder import",
        "__import__('os').system('touch {sentinel}')",
        ScriptRefused,
        "'__import__' is not allowed",
    ),
    (
        "subclasses",
        "x = ().__class__.__bases__[0].__subclasses__()",
        ScriptRefused,
        "'__class__' is not allowed",
    ),
    ("getattr", "x = getattr((), '__class__')", ScriptRefused, "getattr() is not available"),
    ("globals", "x = globals()['__builtins__']", ScriptRefused, "globals() is not available"),
    ("open", "open('/etc/passwd').read()", ScriptRefused, "open() is not available"),
    ("open for writing", "f = open('{sentinel}', 'w')", ScriptRefused, "open() is not available"),
    ("exec", "exec(\"import os; os.system('touch {sentinel}')\")", ScriptRefused, "exec() is not available"),
    ("eval", "x = eval('1 + 1')", ScriptRefused, "eval() is not available"),
    ("compile", "x = compile('1', 'f', 'eval')", ScriptRefused, "compile() is not available"),
    ("type", "x = type(1)", ScriptRefused, "type() is not available"),
    ("f-string attribute", "x = f'{execution.__class__}'", ScriptRefused, "'__class__' is not allowed"),
    ("f-string width", "x = f'{1:>999999999}'", ScriptRefused, "more than 999 characters"),
    ("f-string computed spec", "w = 9\nx = f'{1:>{w}}'", ScriptRefused, "short and constant"),
    ("str.format", "x = '{0.__class__.__init__.__globals__}'.format(1)", ScriptRefused, "'format'"),
    ("builtins name", "x = __builtins__", ScriptRefused, "'__builtins__' is not allowed"),
    ("lambda", "f = lambda: __import__('os')", ScriptRefused, "lambda is not allowed"),
    ("def", "def f():\n    pass", ScriptRefused, "def is not allowed"),
    ("power tower", "x = 10**10**10", ScriptFailed, "passes the cap of 4096 bits"),
    ("string repetition", "x = 'x' * 10**10", ScriptFailed, "passes the cap of 1048576"),
    ("list repetition", "x = [0] * 10**9", ScriptFailed, "passes the cap of 100000"),
    ("shift", "x = 1 << 10**9", ScriptFailed, "passes the cap of 4096 bits"),
    ("text of a shared list", "a = ['x' * 1000000] * 100000\nb = str(a)", ScriptFailed, "passes the cap"),
    ("join bomb", "a = ['x' * 1000000] * 100000\nb = ''.join(a)", ScriptFailed, "passes the cap"),
    ("copies", "a = [list(range(100000)) for i in range(100000)]", ScriptFailed, BUDGET),
    ("memory bomb", "a = ['x' * 1000000 for i in range(1000)]", ScriptFailed, "built more than 64 MiB"),
    ("endless while", "while True:\n    pass", ScriptFailed, BUDGET),
    ("endless for", "xs = [1]\nfor x in xs:\n    xs.append(x)", ScriptFailed, BUDGET),
    ("deep data", "a = []\nfor i in range(1000):\n    a = [a]", ScriptFailed, "nests deeper than 64"),
    ("deep parentheses", "x = " + "(" * 300 + "1" + ")" * 300, ScriptSyntaxError, "parenthes"),
    ("deep lists", "x = " + "[" * 150 + "]" * 150, ScriptRefused, "nests deeper than 100 levels"),
    ("functions as values", "x = sorted(['bb', 'a'], key=len)", ScriptFailed, "can only be called"),
    ("execution internals", "x = execution._run", ScriptRefused, "'_run' is not allowed"),
    ("round digits", "x = round(10, -10**9)", ScriptFailed, "between -100 and 100"),
    ("percent format", "x = '%999999999d' % 1", ScriptFailed, "use an f-string"),
]

JAVASCRIPT_PAYLOADS = [
    ("require", "require('child_process').execSync('touch {sentinel}')", "require is not defined"),
    ("process", "process.exit()", "process is not defined"),
    ("fetch", "fetch('http://localhost/')", "fetch is not defined"),
    ("Deno", "Deno.run({cmd: ['touch', '{sentinel}']})", "Deno is not defined"),
    ("load", "load('/etc/passwd')", "load is not defined"),
    ("read", "read('/etc/passwd')", "read is not defined"),
    ("os", "os.exec(['touch', '{sentinel}'])", "os is not defined"),
    ("std", "std.open('{sentinel}', 'w')", "std is not defined"),
    ("constructor", "this.constructor.constructor('return process')().exit()", "process is not defined"),
    ("global this", "Function('return this')().process.mainModule", "cannot read property"),
    ("Atomics", "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)", "is not defined"),
    ("repeat", "'x'.repeat(1e9)", "out of memory"),
    # on a loaded machine the time budget can end these before the memory cap does: both bound them
    (
        "growing array",
        "var a = []; for (;;) a.push('y'.repeat(4096) + a.length);",
        ("out of memory", "ran longer"),
    ),
    ("big array", "new Array(1e9).fill(0)", ("out of memory", "ran longer")),
    ("recursion", "function f() { return f(); } f();", "recursed too deeply"),
    ("endless loop", "while (true) {}", "ran longer than 1 s"),
    ("endless promise jobs", "function g() { Promise.resolve().then(g); } g();", "ran longer than 1 s"),
    (
        "join over a sparse array",
        "var a = []; a.length = 2 ** 32 - 1; a.join('xxxxxxxx');",
        "ran longer than 1 s",
    ),
    ("huge variable", "execution.setVariable('x', 'y'.repeat(5e6));", "pass the cap of"),
]


def _any_of(fragment: str | tuple[str, ...]) -> str:
    fragments = (fragment,) if isinstance(fragment, str) else fragment
    return "|".join(map(re.escape, fragments))


@pytest.mark.parametrize(
    ("source", "error", "fragment"),
    [pytest.param(source, error, fragment, id=name) for name, source, error, fragment in PYTHON_PAYLOADS],
)
def test_a_hostile_python_script_fails_quickly_and_touches_nothing(tmp_path, source, error, fragment):
    sentinel = tmp_path / "escaped"
    started = time.monotonic()

    with pytest.raises(error, match=_any_of(fragment)) as failure:
        script = compile_script("python", source.replace("{sentinel}", str(sentinel)), element_id="hostile")
        script.run({}, {})

    assert time.monotonic() - started < QUICKLY
    assert "'hostile'" in str(failure.value)
    assert not sentinel.exists()


@pytest.mark.parametrize(
    ("source", "fragment"),
    [pytest.param(source, fragment, id=name) for name, source, fragment in JAVASCRIPT_PAYLOADS],
)
def test_a_hostile_javascript_script_fails_quickly_and_touches_nothing(tmp_path, source, fragment):
    sentinel = tmp_path / "escaped"
    script = compile_script("javascript", source.replace("{sentinel}", str(sentinel)), element_id="hostile")
    started = time.monotonic()

    with pytest.raises(ScriptFailed, match=_any_of(fragment)) as failure:
        script.run({"amount": 1})

    assert time.monotonic() - started < QUICKLY
    assert str(failure.value).startswith("javascript script task 'hostile' failed: ")
    assert not sentinel.exists()


def test_a_dynamic_import_is_refused_and_loads_nothing(tmp_path):
    sentinel = tmp_path / "escaped"
    source = (
        "import('child_process').then("
        f"  (m) => {{ m.execSync('touch {sentinel}'); execution.setVariable('imported', true); }},"
        "  (e) => execution.setVariable('refused', String(e)));"
    )

    changes = compile_script("javascript", source, element_id="hostile").run({})

    assert "imported" not in changes and "refused" in changes
    assert not sentinel.exists()


def test_an_endless_loop_is_stopped_within_a_tighter_budget():
    limits = ScriptLimits(wall_seconds=0.2)
    script = compile_script("javascript", "for (;;) {}", element_id="hostile", limits=limits)
    started = time.monotonic()

    with pytest.raises(ScriptFailed, match=r"ran longer than 0\.2 s"):
        script.run({})

    assert time.monotonic() - started < 0.2 + 0.5


def test_time_in_a_registered_function_is_not_charged_to_the_python_script(monkeypatch):
    # the procedure's functions are trusted; a cold working-day calendar may take seconds on a busy machine
    now = [1000.0]
    monkeypatch.setattr("engine.dialect.scripts.limits.monotonic", lambda: now[0])
    monkeypatch.setattr("engine.dialect.scripts.python_eval.monotonic", lambda: now[0])
    script = compile_script("python", "for i in range(30):\n    wait()\ndone = True", element_id="slow")

    def wait():
        now[0] += 0.1  # each call takes 0.1 s of the engine's clock: 3 s in all

    assert script.run({}, {"wait": wait}) == {"i": 29, "done": True}


def test_the_python_wall_clock_budget_still_bounds_the_script_itself(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("engine.dialect.scripts.limits.monotonic", lambda: now[0])
    script = compile_script("python", "for i in range(100000):\n    x = len(str(i))", element_id="slow")

    def tick(*_):
        now[0] += 0.01
        return now[0]

    monkeypatch.setattr("engine.dialect.scripts.limits.monotonic", tick)
    with pytest.raises(ScriptFailed, match=r"it ran longer than 1 s"):
        script.run({})  # the budget reads the clock every few hundred steps


def test_a_script_runs_again_after_a_worker_was_killed():
    limits = ScriptLimits(wall_seconds=0.2)
    with pytest.raises(ScriptFailed):
        compile_script("javascript", "for (;;) {}", element_id="hostile", limits=limits).run({})

    changes = compile_script("javascript", "execution.setVariable('ok', 1)", element_id="next").run({})

    assert changes == {"ok": 1}


def test_every_failure_is_a_value_error_for_the_engine_to_map():
    with pytest.raises(ValueError):
        compile_script("python", "import os", element_id="hostile")
    assert issubclass(ScriptError, ValueError)
