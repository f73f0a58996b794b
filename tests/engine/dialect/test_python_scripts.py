"""Python script tasks run in the safe subset: licflow's own scripts unchanged, Camunda's execution too."""

from __future__ import annotations

import re

import pytest

from engine.dialect.scripts import (
    ScriptFailed,
    ScriptLimits,
    ScriptRefused,
    ScriptSyntaxError,
    compile_script,
)

# The scripts of bpmn/*.bpmn, copied as they are.
REGISTER_APPLICATION = """registered_on = registration_day(submitted_at)
statutory_due_at = statutory_due_iso(registered_on, term_days)
statutory_due_explained = statutory_due_explanation(registered_on, term_days)
deadline_warning_at = working_days_before_iso(statutory_due_at, 1)
hearing_notice_due_at = hearing_notice_latest_iso(statutory_due_at)
decision = None
hearing_outcome = None
documents_complete = None
license_number = None"""
COLLECT_PRELIMINARY_GROUNDS = (
    "preliminary_grounds = ticked_grounds(ground_1, ground_2, ground_3, ground_4, ground_5, "
    "ground_6, ground_7, ground_8, ground_9, ground_10)"
)
PLAN_HEARING = """hearing_notice_sent_on = today_iso()
hearing_at = hearing_at_iso(hearing_notice_sent_on)
hearing_notice_in_time = not is_past(hearing_notice_due_at)"""
COLLECT_FINAL_GROUNDS = (
    "refusal_grounds = ticked_grounds(ground_1, ground_2, ground_3, ground_4, ground_5, "
    "ground_6, ground_7, ground_8, ground_9, ground_10)"
)
NOTE_EXPIRY = """license_ended_on = valid_until
license_end_reason = "expired\""""
NOTE_DECISION = """license_ended_on = today_iso()
license_end_reason = "refused\""""

FAKE_FUNCTIONS = {
    "registration_day": lambda submitted_at: submitted_at[:10],
    "statutory_due_iso": lambda day, days: f"{day}+{days}wd",
    "statutory_due_explanation": lambda day, days: {"registered_on": day, "term_days": days},
    "working_days_before_iso": lambda due, n: f"{due}-{n}wd",
    "hearing_notice_latest_iso": lambda due: f"{due}-3wd",
    "ticked_grounds": lambda *ticks: [n for n, ticked in enumerate(ticks, start=1) if ticked is True],
    "today_iso": lambda: "2025-04-01",
    "hearing_at_iso": lambda day: f"{day}+2wd@11:00",
    "is_past": lambda moment: moment < "2025-04-01",
}
GROUNDS = {f"ground_{n}": n in (3, 7) for n in range(1, 11)}


def run_python(source: str, variables: dict | None = None, **options):
    return compile_script("python", source, element_id="task").run(variables or {}, FAKE_FUNCTIONS, **options)


def test_the_registration_script_runs_unchanged_and_returns_what_it_set():
    script = compile_script("python", REGISTER_APPLICATION, element_id="register_application")

    changes = script.run({"submitted_at": "2025-03-26T17:05:00+05:00", "term_days": 5}, FAKE_FUNCTIONS)

    assert changes == {
        "registered_on": "2025-03-26",
        "statutory_due_at": "2025-03-26+5wd",
        "statutory_due_explained": {"registered_on": "2025-03-26", "term_days": 5},
        "deadline_warning_at": "2025-03-26+5wd-1wd",
        "hearing_notice_due_at": "2025-03-26+5wd-3wd",
        "decision": None,
        "hearing_outcome": None,
        "documents_complete": None,
        "license_number": None,
    }


@pytest.mark.parametrize(
    ("element_id", "source", "expected"),
    [
        ("collect_preliminary_grounds", COLLECT_PRELIMINARY_GROUNDS, {"preliminary_grounds": [3, 7]}),
        ("collect_final_grounds", COLLECT_FINAL_GROUNDS, {"refusal_grounds": [3, 7]}),
    ],
)
def test_the_grounds_scripts_collect_the_ticked_grounds(element_id, source, expected):
    script = compile_script("python", source, element_id=element_id)

    assert script.run(GROUNDS, FAKE_FUNCTIONS) == expected


def test_the_hearing_plan_script_reads_the_clock_only_through_functions():
    changes = run_python(PLAN_HEARING, {"hearing_notice_due_at": "2025-04-03T18:30:00+05:00"})

    assert changes == {
        "hearing_notice_sent_on": "2025-04-01",
        "hearing_at": "2025-04-01+2wd@11:00",
        "hearing_notice_in_time": True,
    }


def test_the_retention_scripts_note_why_and_when_the_license_ended():
    assert run_python(NOTE_EXPIRY, {"valid_until": "2026-01-01"}) == {
        "license_ended_on": "2026-01-01",
        "license_end_reason": "expired",
    }
    assert run_python(NOTE_DECISION) == {"license_ended_on": "2025-04-01", "license_end_reason": "refused"}


def test_the_input_variables_are_not_changed_in_place():
    variables = {"items": [1, 2], "note": {"a": 1}}

    changes = run_python("items.append(3)\nnote['b'] = 2", variables)

    assert changes == {"items": [1, 2, 3], "note": {"a": 1, "b": 2}}
    assert variables == {"items": [1, 2], "note": {"a": 1}}


def test_variables_read_but_not_changed_are_not_returned():
    assert run_python("total = len(items) + amount", {"items": [1, 2], "amount": 3}) == {"total": 5}


def test_camunda_execution_calls_read_and_write_variables():
    source = "amount = execution.getVariable('amount')\nexecution.setVariable('big', amount > 100)"

    assert run_python(source, {"amount": 150}) == {"amount": 150, "big": True}


def test_execution_knows_the_business_key_and_the_instance():
    source = (
        "key = execution.getBusinessKey()\n"
        "instance = execution.getProcessInstanceId()\n"
        "missing = execution.getVariable('nothing')\n"
        "has = execution.hasVariable('amount')"
    )

    changes = run_python(source, {"amount": 1}, business_key="KZ-1", process_instance_id="p-7")

    assert changes == {"key": "KZ-1", "instance": "p-7", "missing": None, "has": True}


def test_control_flow_unpacking_and_comprehensions_work_as_in_python():
    source = """
first, (second, third) = 1, [2, 3]
total = 0
for number in range(10):
    if number == 7:
        break
    elif number % 2:
        continue
    total += number
else:
    total = -1
countdown = 3
while countdown:
    countdown -= 1
squares = [n * n for n in range(5) if n > 1]
index = {name: len(name) for name in ["kz", "eaeu"]}
label = f"{first}-{third:>3}|{'x'!r}"
kind = "big" if total > 10 else "small"
parts = " a, b ,c ".strip().split(",")
joined = "+".join([p.strip().upper() for p in parts])
"""

    changes = run_python(source)

    assert changes["first"] == 1 and changes["third"] == 3
    assert changes["total"] == 0 + 2 + 4 + 6
    assert changes["countdown"] == 0
    assert changes["squares"] == [4, 9, 16]
    assert changes["index"] == {"kz": 2, "eaeu": 4}
    assert changes["label"] == "1-  3|'x'"
    assert changes["kind"] == "big"
    assert changes["joined"] == "A+B+C"
    assert "n" not in changes and "name" not in changes  # comprehension names stay inside


def test_whitelisted_builtins_and_methods_are_available():
    source = """
values = sorted([3, 1, 2], reverse=True)
stats = [len(values), min(values), max(values), sum(values), abs(-2), round(2.567, 2)]
converted = [str(5), int("7"), float("1.5"), bool(0), list("ab"), dict(a=1)]
settings = {"mode": "fast"}
mode = settings.get("mode")
fallback = settings.get("other", "none")
names = list(settings.keys()) + list(settings.values())
pairs = settings.items()
flags = [any([0, 1]), all([1, 1]), "kz" in "kz-1", "Kz".lower().startswith("k")]
"""
    changes = run_python(source)

    assert changes["stats"] == [3, 1, 3, 6, 2, 2.57]
    assert changes["converted"] == ["5", 7, 1.5, False, ["a", "b"], {"a": 1}]
    assert (changes["mode"], changes["fallback"]) == ("fast", "none")
    assert changes["names"] == ["mode", "fast"] and changes["pairs"] == [("mode", "fast")]
    assert changes["flags"] == [True, True, True, True]


def test_a_name_in_a_call_is_a_function_even_if_a_variable_shares_it():
    assert run_python("n = len(len)", {"len": [1, 2, 3]}) == {"n": 3}


def test_del_forgets_a_name_the_script_set():
    assert run_python("scratch = 1\nkept = scratch + 1\ndel scratch") == {"kept": 2}


def test_a_script_cannot_delete_a_case_variable():
    with pytest.raises(ScriptFailed, match="the case variable 'amount' cannot be deleted"):
        run_python("del amount", {"amount": 1})


def test_an_unknown_variable_is_named_with_its_line():
    with pytest.raises(ScriptFailed) as failure:
        run_python("a = 1\nb = term_days + a")

    assert str(failure.value) == "python script task 'task' failed at line 2: unknown variable 'term_days'"
    assert failure.value.element_id == "task"


def test_an_unknown_function_is_named():
    with pytest.raises(ScriptFailed, match="unknown function 'shout'"):
        run_python("x = shout('hi')")


def test_a_failing_function_names_itself_and_its_error():
    def registration_day(submitted_at):
        raise ValueError("submitted_at must be an aware datetime")

    script = compile_script("python", "d = registration_day('2025-01-01')", element_id="register_application")

    with pytest.raises(ScriptFailed) as failure:
        script.run({}, {"registration_day": registration_day})

    assert "the function registration_day() failed: ValueError: submitted_at must be" in str(failure.value)


def test_runtime_errors_become_script_failures():
    with pytest.raises(ScriptFailed, match="ZeroDivisionError: division by zero"):
        run_python("x = 1 / 0")
    with pytest.raises(ScriptFailed, match="cannot unpack 3 values into 2 targets"):
        run_python("a, b = [1, 2, 3]")
    with pytest.raises(ScriptFailed, match="has no method 'append'"):
        run_python("'text'.append(1)")


def test_a_syntax_error_names_the_element_line_and_column():
    with pytest.raises(ScriptSyntaxError) as failure:
        compile_script("python", "a = 1\nb = (2 +\n", element_id="register_application")

    assert failure.value.line == 2
    assert failure.value.column >= 1
    assert str(failure.value).startswith("python script task 'register_application': syntax error at line 2")


@pytest.mark.parametrize(
    ("source", "refusal"),
    [
        ("import os", "import is not allowed"),
        ("from os import path", "import is not allowed"),
        ("def f():\n    pass", "def is not allowed"),
        ("f = lambda: 1", "lambda is not allowed"),
        ("class A:\n    pass", "class is not allowed"),
        ("with x:\n    pass", "with is not allowed"),
        ("try:\n    pass\nexcept Exception:\n    pass", "try is not allowed"),
        ("global x", "global is not allowed"),
        ("del items[0]", "del can only forget a variable"),
        ("x = y.__class__", "attribute '__class__' is not allowed"),
        ("x = y._private()", "attribute '_private' is not allowed"),
        ("x = __builtins__", "the name '__builtins__' is not allowed"),
        ("x = 'a'.format(1)", "the method 'format' is not allowed"),
        ("x = y.real", "an attribute can only be a method call"),
        ("break", "'break' outside a loop"),
        ("x = [*a]", "* unpacking is not allowed"),
        ("x = sum(n for n in a)", "generator expression"),
        ("execution = 1", "'execution' is the case's execution"),
        ("x = b'bytes'", "bytes literals are not allowed"),
        ("x = (y := 1)", "the := operator is not allowed"),
    ],
)
def test_constructs_outside_the_subset_are_refused_at_deploy(source, refusal):
    with pytest.raises(ScriptRefused, match=re.escape(refusal)):
        compile_script("python", source, element_id="task")


def test_a_refusal_names_the_element_line_and_column():
    with pytest.raises(ScriptRefused) as failure:
        compile_script("python", "a = 1\nimport os", element_id="register_application")

    assert str(failure.value) == (
        "python script task 'register_application': line 2, column 1: import is not allowed in a script"
    )


def test_a_long_script_is_refused_before_it_is_parsed():
    limits = ScriptLimits(max_source_chars=100)

    with pytest.raises(ScriptRefused, match="the cap is 100"):
        compile_script("python", "x = 1\n" * 50, element_id="task", limits=limits)


def test_a_script_that_nests_too_deeply_is_refused():
    with pytest.raises((ScriptRefused, ScriptSyntaxError)):
        compile_script("python", "x = " + "[" * 150 + "]" * 150, element_id="task")


def test_outputs_that_contain_themselves_are_refused():
    with pytest.raises(ScriptFailed, match="contains itself"):
        run_python("a = []\na.append(a)")


def test_execution_reads_case_variables_even_inside_a_comprehension():
    source = "values = [execution.getVariable('x') for x in range(2)]"

    assert run_python(source, {"x": "case"}) == {"values": ["case", "case"]}


def test_slices_indexes_and_item_assignment_work_on_lists_and_dicts():
    source = """
head = numbers[:2]
tail = numbers[-1]
backwards = word[::-1]
numbers[0] = 10
numbers[1:3] = [20]
counts = {}
counts["kz"] = counts.get("kz", 0) + 1
counts.update({"eaeu": 2})
"""
    changes = run_python(source, {"numbers": [1, 2, 3, 4], "word": "abc"})

    assert changes["head"] == [1, 2] and changes["tail"] == 4 and changes["backwards"] == "cba"
    assert changes["numbers"] == [10, 20, 4]
    assert changes["counts"] == {"kz": 1, "eaeu": 2}


def test_the_step_budget_can_be_tightened():
    source = "n = 0\nfor i in range(100):\n    n += i"
    script = compile_script("python", source, element_id="task", limits=ScriptLimits(max_steps=50))

    with pytest.raises(ScriptFailed, match="failed at line 3: it used more than its 50 evaluation steps"):
        script.run({})


def test_a_loop_is_capped_by_its_iterations_too():
    limits = ScriptLimits(max_loop_iterations=10)
    script = compile_script("python", "n = 0\nwhile True:\n    n += 1", element_id="task", limits=limits)

    with pytest.raises(ScriptFailed, match="a loop ran more than 10 times"):
        script.run({})


def test_builtins_refuse_values_they_do_not_take():
    with pytest.raises(ScriptFailed, match=re.escape("sum() takes numbers, not list")):
        run_python("x = sum([[1], [2]], [])")
    with pytest.raises(ScriptFailed, match=re.escape("len() takes a string or a collection, not int")):
        run_python("x = len(5)")
    with pytest.raises(ScriptFailed, match=re.escape("join() takes a collection of strings")):
        run_python("x = ','.join([1, 2])")
