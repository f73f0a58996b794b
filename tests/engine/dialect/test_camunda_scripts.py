"""Script tasks run in the language their scriptFormat names, sandboxed; others are refused at deploy."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from engine.errors import InvalidDiagram
from engine.runtime.cases import case_variables, open_case
from tests.engine import sample
from tests.engine.dialect.modeler import diagram, step


def _script_diagram(language: str, script: str) -> dict[str, bytes]:
    task = step(
        "scriptTask",
        "Activity_compute",
        f'name="Compute" scriptFormat="{language}"',
        f"<bpmn:script>{escape(script)}</bpmn:script>",
    )
    return {"compute.bpmn": diagram("compute", [task])}


def _variables(orchestrator, case_id):
    with orchestrator.store.unit_of_work() as session:
        return case_variables(open_case(session, case_id).workflow)


def test_a_javascript_script_reads_and_sets_variables_through_execution(orchestrator):
    script = (
        "var amount = execution.getVariable('amount');\n"
        "execution.setVariable('big', amount > 100);\n"
        "execution.setVariable('key', execution.getBusinessKey());"
    )
    orchestrator.deploy(_script_diagram("javascript", script))

    case_id = orchestrator.start_case("compute", "BK-9", {"amount": 250}, actor="analyst")

    variables = _variables(orchestrator, case_id)
    assert variables["big"] is True and variables["key"] == "BK-9"
    assert sample.case(orchestrator, case_id).status == "completed"


def test_a_python_script_runs_in_the_safe_subset_with_the_procedure_functions(orchestrator):
    script = "registered_on = registration_day(submitted_at)\nlate = registered_on != submitted_at[:10]"
    orchestrator.deploy(_script_diagram("python", script))

    case_id = orchestrator.start_case(
        "compute", None, {"submitted_at": "2025-03-20T16:05:00+05:00"}, actor="x"
    )

    variables = _variables(orchestrator, case_id)
    assert (
        variables["registered_on"] == "2025-03-26"
    )  # after Nauryz (21-25 March) and variables["late"] is True


@pytest.mark.parametrize("language", ["groovy", "ruby", "juel"])
def test_a_script_in_a_language_licflow_does_not_run_is_refused_at_deploy(orchestrator, language):
    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(_script_diagram(language, "x = 1"))

    message = str(refused.value)
    assert "Activity_compute" in message and language in message
    assert "javascript" in message and "camunda:topic" in message


def test_a_script_that_does_not_parse_is_refused_at_deploy_with_its_line(orchestrator):
    with pytest.raises(InvalidDiagram) as refused:
        orchestrator.deploy(_script_diagram("javascript", "var x = ;"))

    assert "Activity_compute" in str(refused.value) and "line 1" in str(refused.value)
