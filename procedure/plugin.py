"""The license procedure as the engine sees it: one `Procedure` with every registration point."""

from __future__ import annotations

from engine.extensions import Procedure
from procedure import case_labels, presentation
from procedure.calendar import ALMATY
from procedure.deadlines import TIMER_FUNCTIONS, working_days_left
from procedure.form_rules import FORM_RULES
from procedure.grounds import ticked_grounds
from procedure.urgency import urgency


def license_procedure() -> Procedure:
    """Return the license procedure's plug-in: Kazakhstan working days, grounds, forms and labels."""
    return Procedure(
        name="license",
        zone=ALMATY,
        expression_functions={**TIMER_FUNCTIONS, "ticked_grounds": ticked_grounds},
        form_rules=FORM_RULES,
        case_label=case_labels.label_for,
        case_kinds=presentation.LICENSE_KINDS,
        days_left=working_days_left,
        urgency=urgency,
        deadline_variables=presentation.DEADLINE_VARIABLES,
        explained_deadlines=presentation.EXPLAINED_DEADLINES,
        task_variables=(presentation.APPLICATION_VARIABLES, presentation.CHECK_VARIABLES),
        field_note=presentation.ground_note,
        task_deadlines=presentation.TASK_DEADLINES,
        findings=presentation.FINDINGS,
    )
