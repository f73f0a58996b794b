"""JavaScript script tasks run in QuickJS as Camunda's do, with execution.getVariable/setVariable."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.dialect.scripts import ScriptFailed, ScriptRefused, ScriptSyntaxError, compile_script
from engine.dialect.scripts.js_pool import POOL

CAMUNDA_STYLE = """var amount = execution.getVariable('amount');
execution.setVariable('big', amount > 100);"""


def run_js(source: str, variables: dict | None = None, functions: dict | None = None, **options):
    return compile_script("javascript", source, element_id="task").run(variables or {}, functions, **options)


def test_a_camunda_style_script_reads_and_sets_variables():
    script = compile_script("javascript", CAMUNDA_STYLE, element_id="check_amount")

    assert script.run({"amount": 150}) == {"big": True}
    assert script.run({"amount": 50}) == {"big": False}


@pytest.mark.parametrize("language", ["javascript", "js", "ecmascript", "JavaScript"])
def test_every_camunda_name_for_javascript_is_accepted(language):
    script = compile_script(language, "execution.setVariable('ok', true)", element_id="task")

    assert script.language == "javascript"
    assert script.run({}) == {"ok": True}


def test_variables_are_globals_too_but_only_set_variable_writes():
    changes = run_js(
        "var total = amount * 2; amount = 0; execution.setVariable('total', total);", {"amount": 21}
    )

    assert changes == {"total": 42}


def test_values_cross_as_json_with_dates_as_iso_strings():
    source = """
var submitted = execution.getVariable('submitted_at');
execution.setVariable('seen', [submitted, execution.getVariable('day'), execution.getVariable('tags')]);
execution.setVariable('nested', {a: [1, 2.5, null, 'x'], b: {c: true}});
execution.setVariable('when', new Date(Date.UTC(2025, 2, 26)));
execution.setVariable('nothing', undefined);
"""
    moment = dt.datetime(2025, 3, 26, 17, 5, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    variables = {"submitted_at": moment, "day": dt.date(2025, 3, 27), "tags": ("a",)}

    changes = run_js(source, variables)

    assert changes == {
        "seen": ["2025-03-26T17:05:00+05:00", "2025-03-27", ["a"]],
        "nested": {"a": [1, 2.5, None, "x"], "b": {"c": True}},
        "when": "2025-03-26T00:00:00.000Z",
        "nothing": None,
    }


def test_execution_offers_camunda_s_other_methods():
    source = """
execution.setVariables({first: 1, second: 2});
execution.setVariable('key', execution.getBusinessKey());
execution.setVariable('instance', execution.getProcessInstanceId());
execution.setVariable('activity', execution.getCurrentActivityId());
execution.setVariable('has', [execution.hasVariable('amount'), execution.hasVariable('none')]);
execution.setVariable('missing', execution.getVariable('none'));
execution.setVariable('all', Object.keys(execution.getVariables()).sort());
"""
    changes = run_js(source, {"amount": 1}, business_key="KZ-1", process_instance_id="p-7")

    assert changes == {
        "first": 1,
        "second": 2,
        "key": "KZ-1",
        "instance": "p-7",
        "activity": "task",
        "has": [True, False],
        "missing": None,
        "all": ["activity", "amount", "first", "has", "instance", "key", "missing", "second"],
    }


def test_a_variable_set_twice_keeps_the_last_value_and_reads_back():
    source = "execution.setVariable('n', 1); execution.setVariable('n', execution.getVariable('n') + 1);"

    assert run_js(source) == {"n": 2}


def test_registered_functions_are_called_synchronously():
    functions = {"statutory_due_iso": lambda day, days: f"{day}+{days}wd", "ticked": lambda *t: [1, 3]}
    source = (
        "execution.setVariable('due', statutory_due_iso(registered_on, 5));"
        "execution.setVariable('grounds', ticked(true, false, true));"
    )

    assert run_js(source, {"registered_on": "2025-03-26"}, functions) == {
        "due": "2025-03-26+5wd",
        "grounds": [1, 3],
    }


def test_a_failing_function_is_a_javascript_error_the_script_may_catch():
    def registration_day(value):
        raise ValueError("not a datetime")

    source = (
        "try { registration_day('x'); } catch (e) { execution.setVariable('error', e.message); }\n"
        "registration_day('again');"
    )

    with pytest.raises(ScriptFailed) as failure:
        run_js(source, functions={"registration_day": registration_day})

    assert "registration_day() failed: ValueError: not a datetime" in str(failure.value)
    assert "(line 2" in str(failure.value)


def test_a_runtime_error_names_the_element_the_error_and_the_line():
    script = compile_script("javascript", "var a = 1;\nnull.x;", element_id="check_amount")

    with pytest.raises(ScriptFailed) as failure:
        script.run({})

    assert str(failure.value) == (
        "javascript script task 'check_amount' failed: "
        "TypeError: cannot read property 'x' of null (line 2, column 1)"
    )
    assert failure.value.element_id == "check_amount"


def test_a_thrown_error_fails_the_run():
    with pytest.raises(ScriptFailed, match="Error: the amount is missing"):
        run_js("throw new Error('the amount is missing')")


def test_a_syntax_error_names_the_element_line_and_column_at_deploy():
    with pytest.raises(ScriptSyntaxError) as failure:
        compile_script("javascript", "var a = 1;\nvar b = (2;\n", element_id="check_amount")

    assert (failure.value.line, failure.value.column) == (2, 11)
    assert str(failure.value).startswith(
        "javascript script task 'check_amount': syntax error at line 2, column 11"
    )


def test_checking_the_syntax_runs_nothing():
    # a script that would loop forever still compiles at once: it is parsed, not run
    script = compile_script("javascript", "while (true) {}", element_id="task")

    assert script.source == "while (true) {}"


def test_a_top_level_return_is_a_syntax_error():
    with pytest.raises(ScriptSyntaxError, match="return not in a function"):
        compile_script("javascript", "return 5", element_id="task")


def test_a_value_json_cannot_carry_fails_with_its_name():
    with pytest.raises(ScriptFailed, match="the variable 'ratio' cannot cross into JavaScript"):
        run_js("1", {"ratio": float("nan")})
    with pytest.raises(ScriptFailed, match="the value of f cannot be stored"):
        run_js("execution.setVariable('f', function () {})")


def test_state_left_by_one_script_does_not_reach_the_next():
    run_js("globalThis.leak = 1; Object.prototype.polluted = 'yes'; Array.prototype.push = null;")

    changes = run_js(
        "execution.setVariable('seen', [typeof leak, ({}).polluted === undefined, typeof [].push]);"
    )

    assert changes == {"seen": ["undefined", True, "function"]}


def test_workers_are_reused_between_scripts():
    run_js("1")
    with POOL.worker() as worker:
        pid = worker.process.pid

    run_js("2")

    with POOL.worker() as worker:
        assert worker.process.pid == pid


@pytest.mark.parametrize("language", ["groovy", "juel", "jruby", "python3", "", None])
def test_other_languages_are_refused_with_what_to_use_instead(language):
    with pytest.raises(ScriptRefused) as failure:
        compile_script(language, "sum = 0", element_id="theScriptTask")

    message = str(failure.value)
    assert "'theScriptTask'" in message
    assert "javascript or python script" in message
    assert 'camunda:type="external"' in message and "camunda:topic" in message


def test_a_groovy_refusal_names_the_element_and_the_language():
    with pytest.raises(ScriptRefused) as failure:
        compile_script("groovy", "sum = 0", element_id="theScriptTask")

    assert str(failure.value) == (
        "groovy script task 'theScriptTask' has scriptFormat 'groovy', which licflow does not run; "
        "rewrite it as a javascript or python script, or make it an external service task "
        '(camunda:type="external" with a camunda:topic) that a worker serves'
    )
    assert failure.value.language == "groovy"


def test_scripts_run_side_by_side_from_several_threads():
    script = compile_script("javascript", "execution.setVariable('double', n * 2)", element_id="task")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: script.run({"n": n}), range(12)))

    assert results == [{"double": n * 2} for n in range(12)]
