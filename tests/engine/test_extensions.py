"""The engine runs a diagram with no procedure installed, and consults the one installed."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from engine import clock, extensions
from engine.dialect.expressions import expression_functions
from engine.errors import FormInvalid
from engine.runtime.forms import read_submission
from licflow.wiring import install_procedure
from store.models import CaseLabel
from tests.conftest import read_diagram
from tests.engine import sample


@pytest.fixture
def no_procedure():
    """The engine as it is before the composition root installs the license procedure."""
    extensions.install(extensions.Procedure())
    yield
    install_procedure()


def test_the_core_sample_runs_with_no_procedure_and_gets_no_label(no_procedure, orchestrator):
    orchestrator.deploy(read_diagram("core_sample.bpmn"))

    case_id = sample.start(orchestrator, "NEUTRAL-1")
    sample.pass_check(orchestrator, skip_review=True)

    assert sample.case(orchestrator, case_id).status == "completed"
    assert sample.rows(orchestrator, CaseLabel, case_id=case_id) == []


def test_without_a_procedure_no_license_function_is_in_scope(no_procedure):
    assert "statutory_due_iso" not in expression_functions()
    assert clock.zone() == ZoneInfo("UTC")


def test_the_license_procedure_brings_its_functions_and_zone():
    assert "statutory_due_iso" in expression_functions()
    assert "ticked_grounds" in expression_functions()
    assert clock.local(datetime(2025, 3, 3, 4, 0, tzinfo=UTC)).hour == 9  # Asia/Almaty is UTC+5


def test_an_installed_form_rule_is_applied_by_form_key(no_procedure):
    def rule(values):
        return {"amount": "must be positive"} if values.get("amount", 0) <= 0 else {}

    extensions.install(extensions.Procedure(form_rules={"payment": rule}))
    spec = _task_spec_with_form_key("payment")

    with pytest.raises(FormInvalid) as refused:
        read_submission(spec, {"amount": 0})
    assert refused.value.errors == {"amount": "must be positive"}
    assert read_submission(spec, {"amount": 3}) == {"amount": 3}


def _task_spec_with_form_key(key: str):
    amount = SimpleNamespace(id="amount", type="long", validation=[], default_value=None, options=[])
    return SimpleNamespace(extensions={"camunda": {"formKey": key}}, form=SimpleNamespace(fields=[amount]))
