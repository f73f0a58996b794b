"""The Camunda Modeler's Camunda 7 palette, construct by construct, and what licflow does with each.

The list is the BPMN 2.0 elements the Modeler draws for Camunda 7 and the camunda extension
attributes and elements of camunda-bpmn-moddle's `resources/camunda.json`. Each construct
either runs (and names the test that runs it) or is refused at deploy (and names how a
diagram gets it and what the refusal says). `test_palette.py` checks both, and that the
table in docs/dialect.md is the one `render()` writes: `python -m tests.dialect.palette`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

D = "tests/dialect/"
CORE = "tests/engine/runtime/test_core_flow.py::"
FORMS = "tests/engine/runtime/test_forms.py::test_a_missing_decision_and_an_unknown_choice_are_named_by_field"
SCRIPTS = "tests/engine/dialect/test_camunda_scripts.py::"
DECISIONS = "tests/engine/dialect/test_camunda_decisions.py::"
MAPPINGS = "test_variable_mappings.py::"
COMPENSATION = "a compensation event sub-process is not supported"


@dataclass(frozen=True)
class Edit:
    """How a diagram gets a construct: an element of a test diagram changed as in the Modeler."""

    diagram: str
    element: str
    kind: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    inner: str | None = None


@dataclass(frozen=True)
class Construct:
    """One construct of the palette, what Camunda 7 does with it, and what licflow does."""

    name: str
    camunda: str
    test: str | None = None  # runs: "path/to/test_file.py::test_name"
    refused: Edit | None = None  # refused at deploy: the edit that draws it ...
    says: str | None = None  # ... and what the refusal says


def runs(name: str, camunda: str, test: str) -> Construct:
    return Construct(name, camunda, test=test if "::" in test and test.startswith("tests/") else D + test)


def refused(name: str, camunda: str, edit: Edit, says: str) -> Construct:
    return Construct(name, camunda, refused=edit, says=says)


def _note(kind=None, inner=None, **attributes) -> Edit:
    return Edit(
        "pass_through_tasks", "note", kind, {k.replace("__", ":"): v for k, v in attributes.items()}, inner
    )


def _ext(xml: str) -> str:
    return f"<bpmn:extensionElements>{xml}</bpmn:extensionElements>"


EXTERNAL = {"camunda__type": "external", "camunda__topic": "dialect.note"}

EVENTS = [
    runs(
        "none start event",
        "starts the process",
        "test_sequence_flows.py::test_a_case_follows_sequence_flows_that_have_no_id",
    ),
    runs(
        "message start event",
        "a correlated message starts a case",
        "test_message_events.py::test_a_message_start_event_starts_a_case_with_the_message_variables",
    ),
    runs(
        "timer start event",
        "a job starts a case at the date, after the duration, or each cycle",
        "test_timer_start.py::test_a_due_timer_start_starts_one_case_and_schedules_the_next_morning",
    ),
    runs(
        "signal start event",
        "a broadcast signal starts a case",
        "test_signals.py::test_a_signal_starts_a_case_of_each_process_with_a_signal_start_event",
    ),
    runs(
        "conditional start event",
        "starts a case when its conditions are evaluated (POST /condition) and it holds",
        "test_conditional_events.py::test_evaluating_conditions_starts_a_case_at_each_conditional_start_event_that_holds",
    ),
    runs(
        "message intermediate catch event",
        "waits for a correlated message",
        CORE + "test_review_then_answer_completes_the_case_and_records_every_input",
    ),
    runs(
        "timer intermediate catch event",
        "waits until the date, duration or cycle",
        "test_timers.py::test_an_intermediate_timer_waits_its_duration",
    ),
    runs(
        "signal intermediate catch event",
        "waits for a broadcast signal",
        "test_signals.py::test_a_signal_thrown_in_one_case_reaches_every_case_waiting_for_it",
    ),
    runs(
        "link intermediate catch event",
        "continues where a link throw of its name jumps",
        "test_links.py::test_a_link_throw_event_jumps_to_the_link_catch_event_of_its_name",
    ),
    runs(
        "conditional intermediate catch event",
        "waits until the condition becomes true (passes at once if it already holds)",
        "test_conditional_events.py::test_an_intermediate_conditional_event_waits_until_another_branch_makes_it_true",
    ),
    runs(
        "none intermediate throw event",
        "passes",
        "test_events.py::test_a_none_intermediate_throw_event_passes",
    ),
    runs(
        "message intermediate throw event",
        "runs its implementation; without one it does nothing",
        "test_tasks.py::test_a_message_throw_event_without_implementation_does_nothing",
    ),
    runs(
        "signal intermediate throw event",
        "broadcasts the signal to every waiting catch and start event",
        "test_signals.py::test_a_signal_thrown_in_one_case_reaches_every_case_waiting_for_it",
    ),
    runs(
        "escalation intermediate throw event",
        "escalates to the enclosing scopes; uncaught, nothing happens",
        "test_escalations.py::test_an_escalation_inside_a_sub_process_is_caught_at_its_non_interrupting_boundary",
    ),
    runs(
        "link intermediate throw event",
        "jumps to the link catch event of the same name",
        "test_links.py::test_a_link_throw_event_jumps_to_the_link_catch_event_of_its_name",
    ),
    runs(
        "compensation intermediate throw event",
        "compensates the completed activities",
        "test_compensation.py::test_a_booked_fee_is_refunded_when_a_later_check_fails",
    ),
    runs(
        "none end event",
        "ends the path",
        "test_sequence_flows.py::test_a_case_follows_sequence_flows_that_have_no_id",
    ),
    runs(
        "message end event",
        "runs its implementation; without one it ends the path",
        "test_events.py::test_a_message_end_event_without_implementation_ends_its_path",
    ),
    runs(
        "error end event",
        "throws the error to the enclosing scopes and the caller; uncaught, ends the path",
        "test_errors.py::test_an_error_end_event_of_a_called_process_is_caught_at_the_call_activity",
    ),
    runs(
        "escalation end event",
        "escalates and ends the path",
        "test_escalations.py::test_an_escalation_end_event_is_caught_at_the_interrupting_boundary",
    ),
    runs(
        "signal end event",
        "broadcasts the signal and ends the path",
        "test_signals.py::test_a_signal_end_event_reaches_the_waiting_cases",
    ),
    runs(
        "terminate end event",
        "ends the whole scope at once",
        "test_events.py::test_a_terminate_end_event_ends_the_whole_case",
    ),
    runs(
        "compensation end event",
        "compensates, then ends the path",
        "test_compensation.py::test_two_compensable_tasks_are_undone_in_reverse_order_of_completion",
    ),
    runs(
        "compensation throw or end event with activityRef",
        "compensates only the activity named",
        "test_compensation.py::test_a_throw_with_an_activity_ref_undoes_only_that_activity",
    ),
    runs(
        "compensation throw or end event with waitForCompletion",
        'waits for the handlers: "false" is read as true, with a warning',
        "test_compensation.py::test_wait_for_completion_false_waits_for_the_handler_as_camunda_7_does",
    ),
    refused(
        "cancel end event",
        "cancels the transaction",
        Edit("pass_through_tasks", "end", inner="<bpmn:cancelEventDefinition />"),
        "transactions are not supported",
    ),
    runs(
        "message boundary event (interrupting)",
        "cancels the activity and takes its path",
        "test_events.py::test_a_message_interrupting_boundary_cancels_its_task",
    ),
    runs(
        "message boundary event (non-interrupting)",
        "takes its path each time, while the activity lives",
        "test_message_events.py::test_a_non_interrupting_message_boundary_listens_while_its_task_lives",
    ),
    runs(
        "timer boundary event (interrupting)",
        "cancels the activity when due",
        CORE + "test_the_review_timer_fires_once_when_time_is_moved_past_it",
    ),
    runs(
        "timer boundary event (non-interrupting)",
        "takes its path when due, the activity goes on",
        "test_timers.py::test_a_non_interrupting_timer_boundary_reminds_and_the_task_stays",
    ),
    runs(
        "error boundary event",
        "catches the error thrown inside the activity",
        "test_errors.py::test_an_error_boundary_writes_the_code_and_message_of_a_workers_error",
    ),
    runs(
        "escalation boundary event (interrupting)",
        "catches the escalation, cancels the activity",
        "test_escalations.py::test_an_escalation_end_event_is_caught_at_the_interrupting_boundary",
    ),
    runs(
        "escalation boundary event (non-interrupting)",
        "catches the escalation, the activity goes on",
        "test_escalations.py::test_an_escalation_inside_a_sub_process_is_caught_at_its_non_interrupting_boundary",
    ),
    runs(
        "signal boundary event (interrupting)",
        "catches the broadcast signal, cancels the activity",
        "test_signals.py::test_a_signal_boundary_event_interrupts_the_task_it_is_attached_to",
    ),
    runs(
        "signal boundary event (non-interrupting)",
        "catches the broadcast signal each time, the activity goes on",
        "test_signals.py::test_a_non_interrupting_signal_boundary_runs_beside_its_task",
    ),
    runs(
        "conditional boundary event (interrupting)",
        "fires when the activity starts or a variable change makes the condition true; cancels the activity",
        "test_conditional_events.py::test_an_interrupting_conditional_boundary_fires_when_variables_make_it_true",
    ),
    runs(
        "conditional boundary event (non-interrupting)",
        "fires on each variable change while the condition holds; the activity goes on",
        "test_conditional_events.py::test_a_non_interrupting_conditional_boundary_fires_on_each_change_while_it_holds",
    ),
    runs(
        "compensation boundary event",
        "runs its handler when the activity is compensated",
        "test_compensation.py::test_a_booked_fee_is_refunded_when_a_later_check_fails",
    ),
    refused(
        "cancel boundary event",
        "catches the cancellation of a transaction",
        Edit("message_boundary", "reminded", inner="<bpmn:cancelEventDefinition />"),
        "transactions are not supported",
    ),
    runs(
        "message event sub-process (interrupting)",
        "a message stops the scope's work and runs the handler",
        "test_events.py::test_an_interrupting_message_event_sub_process_stops_the_work",
    ),
    runs(
        "message event sub-process (non-interrupting)",
        "each message runs the handler beside the work",
        "test_events.py::test_a_non_interrupting_message_event_sub_process_runs_beside_the_work_each_time",
    ),
    runs(
        "timer event sub-process (interrupting)",
        "when due, stops the work and runs the handler",
        "test_timers.py::test_a_timer_event_sub_process_interrupts_the_work_when_due",
    ),
    runs(
        "timer event sub-process (non-interrupting)",
        "when due, runs the handler beside the work",
        "test_timers.py::test_a_non_interrupting_timer_event_sub_process_runs_beside_the_work",
    ),
    runs(
        "signal event sub-process (interrupting)",
        "a broadcast signal stops the work and runs the handler",
        "test_signals.py::test_a_signal_event_sub_process_stops_the_work_of_every_waiting_case",
    ),
    runs(
        "signal event sub-process (non-interrupting)",
        "a broadcast signal runs the handler beside the work",
        "test_signals.py::test_a_non_interrupting_signal_event_sub_process_runs_beside_the_work",
    ),
    runs(
        "error event sub-process",
        "an error thrown in the scope stops the work and runs the handler",
        "test_errors.py::test_a_bpmn_error_starts_the_error_event_sub_process_and_stops_the_work",
    ),
    runs(
        "escalation event sub-process (interrupting)",
        "an escalation stops the work and runs the handler",
        "test_escalations.py::test_an_interrupting_escalation_event_sub_process_stops_the_work",
    ),
    runs(
        "escalation event sub-process (non-interrupting)",
        "an escalation runs the handler beside the work",
        "test_escalations.py::test_an_escalation_starts_a_non_interrupting_escalation_event_sub_process",
    ),
    runs(
        "conditional event sub-process (interrupting)",
        "when the condition becomes true, stops the scope's work and runs the handler",
        "test_conditional_events.py::test_a_conditional_event_sub_process_interrupts_the_work_when_its_condition_becomes_true",
    ),
    runs(
        "conditional event sub-process (non-interrupting)",
        "when the condition becomes true, runs the handler beside the work",
        "test_conditional_events.py::test_a_non_interrupting_conditional_event_sub_process_runs_beside_the_work",
    ),
    refused(
        "compensation event sub-process",
        "runs the handler when the scope is compensated",
        Edit("error_event_subprocess", "failed", inner="<bpmn:compensateEventDefinition />"),
        COMPENSATION,
    ),
]

ACTIVITIES = [
    runs("task (plain)", "passes", "test_tasks.py::test_a_manual_task_and_a_plain_task_pass_at_once"),
    runs("manual task", "passes", "test_tasks.py::test_a_manual_task_and_a_plain_task_pass_at_once"),
    runs(
        "user task",
        "waits for a person of its candidates or its assignee",
        CORE + "test_a_passed_check_opens_the_review_for_officers_with_its_due_time_and_timer",
    ),
    runs(
        "service task: external task",
        "waits for a worker of its topic",
        CORE + "test_a_new_case_waits_for_its_check_worker",
    ),
    refused(
        "service task: Java class",
        "calls the class",
        _note("serviceTask", camunda__class="org.acme.Note"),
        "a Java class (camunda:class) cannot run in licflow",
    ),
    refused(
        "service task: delegate expression",
        "calls the bean the expression names",
        _note("serviceTask", camunda__delegateExpression="${noter}"),
        "a delegate expression (camunda:delegateExpression)",
    ),
    refused(
        "service task: expression",
        "evaluates the expression",
        _note("serviceTask", camunda__expression="${noter.note()}"),
        "an expression service task (camunda:expression)",
    ),
    refused(
        "service task: connector",
        "calls the connector",
        _note(
            "serviceTask",
            _ext(
                "<camunda:connector><camunda:connectorId>http-connector</camunda:connectorId></camunda:connector>"
            ),
        ),
        "a connector (camunda:connector) cannot run in licflow",
    ),
    runs(
        "send task: external task",
        "waits for a worker of its topic",
        "test_tasks.py::test_a_send_task_is_an_external_task_of_its_topic",
    ),
    refused(
        "send task: Java class, delegate expression, expression",
        "calls the implementation",
        _note("sendTask", camunda__class="org.acme.Send"),
        "a Java class (camunda:class) cannot run in licflow",
    ),
    runs(
        "receive task",
        "waits for a correlated message",
        "test_events.py::test_a_receive_task_waits_for_its_message_and_a_send_task_is_an_external_task",
    ),
    runs(
        "script task (Python)",
        "runs the script in Jython",
        SCRIPTS + "test_a_python_script_runs_in_the_safe_subset_with_the_procedure_functions",
    ),
    runs(
        "script task (JavaScript)",
        "runs the script in Nashorn or GraalJS",
        SCRIPTS + "test_a_javascript_script_reads_and_sets_variables_through_execution",
    ),
    refused(
        "script task in another language",
        "runs the script with the JSR-223 engine of its language",
        _note("scriptTask", "<bpmn:script>x = 1</bpmn:script>", scriptFormat="groovy"),
        "groovy",
    ),
    runs(
        "business rule task: decision table (camunda:decisionRef)",
        "evaluates the DMN decision",
        DECISIONS + "test_the_first_matching_rule_gives_the_fee_as_a_single_entry",
    ),
    refused(
        "business rule task: Java class, expression, external task",
        "calls the implementation",
        _note("businessRuleTask", camunda__class="org.acme.Decide"),
        "a business rule task implemented by camunda:class",
    ),
    runs(
        "call activity",
        "starts a case of the called process and waits for it",
        "test_call_activities.py::test_a_process_deployed_earlier_on_its_own_is_called",
    ),
    runs(
        "sub-process (embedded)",
        "runs its content as a scope of the case",
        "test_escalations.py::test_an_escalation_inside_a_sub_process_is_caught_at_its_non_interrupting_boundary",
    ),
    refused(
        "transaction sub-process",
        "runs its content as a transaction that can be cancelled",
        Edit("escalation_boundary", "prepare", "transaction"),
        "bpmn:transaction is not supported",
    ),
    refused(
        "ad-hoc sub-process",
        "lets its tasks be started in any order",
        Edit("escalation_boundary", "prepare", "adHocSubProcess"),
        "bpmn:adHocSubProcess is not supported",
    ),
    runs(
        "exclusive gateway",
        "takes the first flow whose condition holds, else the default",
        CORE + "test_a_skipped_review_takes_the_conditional_flow",
    ),
    runs(
        "parallel gateway",
        "forks every flow; joins when all arrived",
        "test_gateways.py::test_a_parallel_join_waits_for_both_branches",
    ),
    runs(
        "inclusive gateway",
        "takes every flow whose condition holds; joins those",
        "test_gateways.py::test_an_inclusive_gateway_takes_every_path_whose_condition_holds_and_merges_them",
    ),
    runs(
        "event-based gateway",
        "takes the path of the event that comes first",
        "test_events.py::test_an_event_based_gateway_takes_the_event_that_comes_first",
    ),
    refused(
        "complex gateway",
        "not supported by Camunda 7 either",
        _note("complexGateway"),
        "bpmn:complexGateway is not supported",
    ),
    runs(
        "parallel multi-instance",
        "one instance per element, all at once",
        "test_multi_instance.py::test_a_parallel_user_task_per_approver_ends_when_the_completion_condition_holds",
    ),
    runs(
        "sequential multi-instance",
        "one instance per element, one after the other",
        "test_multi_instance.py::test_a_sequential_external_task_gives_the_worker_one_element_at_a_time",
    ),
    runs(
        "multi-instance loop cardinality",
        "a number of instances",
        "test_multi_instance.py::test_a_sequential_sub_process_runs_its_cardinality_of_times",
    ),
    runs(
        "multi-instance completion condition",
        "ends the loop early when it holds",
        "test_multi_instance.py::test_a_parallel_user_task_per_approver_ends_when_the_completion_condition_holds",
    ),
    refused(
        "standard loop",
        "not run by Camunda 7",
        _note(inner="<bpmn:standardLoopCharacteristics />"),
        "Camunda 7 does not run standard loops",
    ),
    runs(
        "compensation marker (isForCompensation)",
        "the activity runs only when compensating",
        "test_compensation.py::test_an_activity_not_yet_completed_is_not_compensated",
    ),
    runs(
        "sequence flow with a condition",
        "taken when the condition holds",
        CORE + "test_a_skipped_review_takes_the_conditional_flow",
    ),
    runs(
        "default flow",
        "taken when no condition holds",
        CORE + "test_a_passed_check_opens_the_review_for_officers_with_its_due_time_and_timer",
    ),
    runs(
        "sequence flow without an id",
        "runs (the id is optional in BPMN 2.0)",
        "test_sequence_flows.py::test_a_case_follows_sequence_flows_that_have_no_id",
    ),
    runs(
        "pool, lanes and message flows",
        "documentation: nothing runs",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "text annotation, association, group",
        "documentation: nothing runs",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "data object, data store and their associations",
        "documentation: nothing runs",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "potential owner (bpmn:potentialOwner)",
        "candidate users (user(x)) and groups (group(x), or a bare name)",
        "test_tasks.py::test_potential_owners_are_candidates_and_the_human_performer_is_the_assignee",
    ),
    runs(
        "human performer (bpmn:humanPerformer)",
        "the assignee",
        "test_tasks.py::test_potential_owners_are_candidates_and_the_human_performer_is_the_assignee",
    ),
]

_PROCESS = "dialect_pass_through"
_CALL = Edit("order", "pay")
_SIGNAL = Edit("signal_throw", "SignalEventDefinition_throw")

CAMUNDA = [
    runs(
        "camunda:assignee",
        "the user the task is assigned to (an expression is evaluated)",
        "test_multi_instance.py::test_a_parallel_user_task_per_approver_ends_when_the_completion_condition_holds",
    ),
    runs(
        "camunda:candidateUsers",
        "users who may claim the task",
        "test_tasks.py::test_potential_owners_are_candidates_and_the_human_performer_is_the_assignee",
    ),
    runs(
        "camunda:candidateGroups",
        "groups whose members may claim the task",
        CORE + "test_a_passed_check_opens_the_review_for_officers_with_its_due_time_and_timer",
    ),
    runs(
        "camunda:dueDate",
        "the task's due date",
        CORE + "test_a_passed_check_opens_the_review_for_officers_with_its_due_time_and_timer",
    ),
    refused(
        "camunda:followUpDate",
        "the task's follow-up date",
        Edit("pass_through_tasks", "answer", attributes={"camunda:followUpDate": "${later}"}),
        'camunda:followUpDate="${later}" on a userTask is not supported',
    ),
    refused(
        "camunda:priority",
        "the task's priority",
        Edit("pass_through_tasks", "answer", attributes={"camunda:priority": "80"}),
        'camunda:priority="80" on a userTask is not supported',
    ),
    runs(
        "camunda:formKey on a user task",
        "the form the task shows",
        CORE + "test_a_passed_check_opens_the_review_for_officers_with_its_due_time_and_timer",
    ),
    runs(
        "camunda:formData, formField, validation, constraint, value, properties",
        "a generated form with typed, validated fields",
        FORMS,
    ),
    refused(
        "camunda:formKey on a start event (start forms)",
        "the form a case starts with",
        Edit("pass_through_tasks", "start", attributes={"camunda:formKey": "start"}),
        'camunda:formKey="start" on a startEvent is not supported',
    ),
    refused(
        "camunda:formRef, formRefBinding, formRefVersion",
        "a Camunda Form",
        Edit("pass_through_tasks", "answer", attributes={"camunda:formRef": "review"}),
        'camunda:formRef="review" on a userTask is not supported',
    ),
    refused(
        "camunda:formHandlerClass",
        "a Java form handler",
        Edit("pass_through_tasks", "answer", attributes={"camunda:formHandlerClass": "org.acme.Form"}),
        "camunda:formHandlerClass",
    ),
    refused(
        "camunda:formProperty",
        "a legacy form field",
        Edit("pass_through_tasks", "answer", inner=_ext('<camunda:formProperty id="ok" type="boolean" />')),
        "camunda:formProperty is not supported",
    ),
    runs(
        "camunda:initiator",
        "the variable that names who started the case",
        "test_tasks.py::test_the_initiator_variable_names_who_started_the_case",
    ),
    runs(
        "camunda:asyncBefore",
        "a transaction boundary before the element: a job continues the case",
        "test_async.py::test_a_command_reaching_an_async_boundary_commits_there_and_a_job_continues_the_case",
    ),
    runs(
        "camunda:asyncAfter",
        "a transaction boundary after the element: a job continues the case",
        "test_async.py::test_a_failure_after_async_after_keeps_the_workers_completion_and_stops_at_the_task",
    ),
    runs(
        "camunda:async",
        "the old name of asyncBefore",
        "test_async.py::test_the_old_camunda_async_is_async_before",
    ),
    refused(
        "camunda:asyncAfter on an end event",
        "a job that ends the scope",
        Edit("async_fee", "end", attributes={"camunda:asyncAfter": "true"}),
        "camunda:asyncAfter on an end event: nothing follows it in its scope",
    ),
    refused(
        "camunda:asyncBefore / asyncAfter on a multi-instance loop",
        "a job for each instance",
        _note(
            inner='<bpmn:multiInstanceLoopCharacteristics camunda:asyncBefore="true">'
            "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
        ),
        'camunda:asyncBefore="true" on a multiInstanceLoopCharacteristics is not supported',
    ),
    runs(
        "camunda:exclusive",
        "exclusive jobs: never two of one process instance at once (licflow's jobs of a case never are)",
        "test_async.py::test_a_command_reaching_an_async_boundary_commits_there_and_a_job_continues_the_case",
    ),
    refused(
        "camunda:jobPriority",
        "the priority of the element's jobs",
        _note(camunda__jobPriority="5"),
        'camunda:jobPriority="5" on a task is not supported',
    ),
    refused(
        "camunda:taskPriority",
        "the priority of external tasks",
        Edit("pass_through_tasks", _PROCESS, attributes={"camunda:taskPriority": "5"}),
        'camunda:taskPriority="5" on a process is not supported',
    ),
    refused(
        "camunda:failedJobRetryTimeCycle",
        "how a failed job is retried",
        _note(inner=_ext("<camunda:failedJobRetryTimeCycle>R3/PT5M</camunda:failedJobRetryTimeCycle>")),
        "camunda:failedJobRetryTimeCycle is not supported",
    ),
    runs(
        'camunda:type="external" with camunda:topic',
        "an external task of the topic",
        CORE + "test_a_new_case_waits_for_its_check_worker",
    ),
    runs(
        "camunda:topic as an expression",
        "the topic evaluated when the task is created",
        "test_tasks.py::test_an_expression_topic_is_evaluated_when_the_external_task_is_created",
    ),
    refused(
        "camunda:resultVariable on a service task",
        "where an expression's result goes",
        _note("serviceTask", **EXTERNAL, camunda__resultVariable="x"),
        "camunda:resultVariable has no meaning for an external task",
    ),
    refused(
        "camunda:resultVariable on a script task",
        "where the script's value goes",
        _note(
            "scriptTask", "<bpmn:script>1</bpmn:script>", scriptFormat="python", camunda__resultVariable="x"
        ),
        "sets camunda:resultVariable, which licflow does not support",
    ),
    refused(
        "camunda:resource on a script task",
        "a script kept in a separate file",
        _note("scriptTask", scriptFormat="python", camunda__resource="deployment://a.py"),
        "loads its script from camunda:resource",
    ),
    refused(
        "camunda:field",
        "a field injected into a Java class",
        _note(inner=_ext('<camunda:field name="x" stringValue="1" />')),
        "camunda:field is not supported",
    ),
    runs(
        "camunda:inputOutput (input and output parameters)",
        "inputs are local variables of the element; outputs, if any, are all it gives back",
        MAPPINGS + "test_output_parameters_are_the_only_variables_a_task_gives_back",
    ),
    runs(
        "camunda:list and camunda:map in a parameter",
        "a list or map of expressions and literals",
        MAPPINGS + "test_a_user_task_sees_its_input_parameters_as_local_variables",
    ),
    refused(
        "camunda:script in an input/output parameter",
        "the parameter's value is the script's result",
        _note(
            inner=_ext(
                '<camunda:inputOutput><camunda:inputParameter name="x"><camunda:script scriptFormat="python">'
                "x = 1</camunda:script></camunda:inputParameter></camunda:inputOutput>"
            )
        ),
        "a script (camunda:script) in an input/output parameter is not supported",
    ),
    runs(
        "camunda:executionListener (expression or script) on start and end",
        "code run when the element or process starts and ends",
        "test_listeners.py::test_start_and_end_listeners_of_the_process_and_a_task_run_in_order",
    ),
    runs(
        "camunda:executionListener on take (a sequence flow)",
        "code run each time the flow is taken",
        "test_listeners.py::test_a_take_listener_runs_once_each_time_its_flow_is_taken",
    ),
    refused(
        "camunda:executionListener with camunda:class or delegateExpression",
        "calls Java code",
        _note(inner=_ext('<camunda:executionListener class="org.acme.Audit" event="start" />')),
        'task "note" ("Note the request"): an execution listener calling a Java class (camunda:class) cannot run in licflow; in licflow: an expression listener',
    ),
    runs(
        "camunda:taskListener on create",
        "code run when the user task is created (it may set the assignee)",
        "test_listeners.py::test_a_create_listener_sets_the_assignee_and_the_assignment_listener_sees_it",
    ),
    runs(
        "camunda:taskListener on assignment",
        "code run when the assignee is set: at creation, by a listener, a claim or the REST API",
        "test_listeners.py::test_a_claim_runs_the_assignment_listener_and_a_replay_runs_it_again",
    ),
    runs(
        "camunda:taskListener on complete",
        "code run when the user task is completed",
        "test_listeners.py::test_a_complete_listener_writes_the_variable_the_next_gateway_reads",
    ),
    runs(
        "camunda:taskListener on delete",
        "code run when the user task is cancelled",
        "test_listeners.py::test_a_delete_listener_runs_when_a_boundary_event_cancels_the_task",
    ),
    refused(
        "camunda:taskListener on update or timeout",
        "code run when a task property changes, or when the listener's timer fires",
        Edit(
            "pass_through_tasks",
            "answer",
            inner=_ext('<camunda:taskListener expression="${x}" event="update" />'),
        ),
        'userTask "answer" ("Answer"): a task listener on event "update" is not supported; in licflow: create or assignment or complete or delete',
    ),
    refused(
        "camunda:taskListener with camunda:class or delegateExpression",
        "calls Java code",
        Edit(
            "pass_through_tasks",
            "answer",
            inner=_ext('<camunda:taskListener delegateExpression="${audit}" event="create" />'),
        ),
        'userTask "answer" ("Answer"): a task listener calling a delegate expression cannot run in licflow',
    ),
    runs(
        "camunda:in and camunda:out on a call activity (source, target, sourceExpression)",
        "only the variables they name pass to and from the called process",
        MAPPINGS + "test_a_call_activity_passes_and_gets_back_only_what_its_mappings_name",
    ),
    runs(
        'camunda:in / camunda:out variables="all"',
        "every variable passes",
        MAPPINGS + "test_variables_all_passes_every_variable_both_ways",
    ),
    runs(
        'camunda:in / camunda:out local="true"',
        "the call activity's own variables pass; outs stay local to it",
        MAPPINGS + "test_local_in_mappings_pass_the_call_activitys_own_variables_and_local_outs_stay_in_it",
    ),
    runs(
        "camunda:in businessKey",
        "the called process's business key",
        MAPPINGS + "test_a_call_activity_passes_and_gets_back_only_what_its_mappings_name",
    ),
    runs(
        'camunda:calledElementBinding="latest"',
        "the newest version when the call starts",
        "test_call_activities.py::test_binding_latest_calls_the_newest_version_when_the_call_starts",
    ),
    runs(
        'camunda:calledElementBinding="deployment"',
        "the version deployed with the caller",
        "test_call_activities.py::test_binding_deployment_calls_the_version_deployed_with_the_caller",
    ),
    runs(
        'camunda:calledElementBinding="version" with camunda:calledElementVersion',
        "the version named",
        "test_call_activities.py::test_binding_version_calls_the_version_it_names",
    ),
    runs(
        "calledElement as an expression",
        "the process key evaluated when the call starts",
        "test_call_activities.py::test_an_expression_names_the_called_process",
    ),
    refused(
        'camunda:calledElementBinding="versionTag" with camunda:calledElementVersionTag',
        "the version with the tag",
        Edit(
            "order",
            "pay",
            attributes={
                "camunda:calledElementBinding": "versionTag",
                "camunda:calledElementVersionTag": "v1",
            },
        ),
        'camunda:calledElementBinding="versionTag" is not supported',
    ),
    refused(
        "camunda:calledElementTenantId",
        "the tenant of the called process",
        Edit("order", "pay", attributes={"camunda:calledElementTenantId": "t1"}),
        'camunda:calledElementTenantId="t1" on a callActivity is not supported',
    ),
    refused(
        "camunda:caseRef, caseBinding, caseVersion, caseTenantId",
        "calls a CMMN case",
        Edit("order", "pay", attributes={"camunda:caseRef": "c1"}),
        'camunda:caseRef="c1" on a callActivity is not supported',
    ),
    refused(
        "camunda:variableMappingClass, variableMappingDelegateExpression",
        "Java code mapping the call's variables",
        Edit("order", "pay", attributes={"camunda:variableMappingClass": "org.acme.Map"}),
        "camunda:variableMappingClass",
    ),
    runs(
        "camunda:collection and camunda:elementVariable",
        "the multi-instance collection and each instance's element",
        "test_multi_instance.py::test_a_parallel_call_activity_calls_one_process_per_element",
    ),
    runs(
        "camunda:errorCodeVariable and camunda:errorMessageVariable",
        "the caught error's code and message as variables",
        "test_errors.py::test_a_bpmn_error_starts_the_error_event_sub_process_and_stops_the_work",
    ),
    runs(
        "camunda:errorMessage on an error",
        "the message an error end event throws",
        "test_errors.py::test_an_error_end_event_of_a_called_process_is_caught_at_the_call_activity",
    ),
    refused(
        "camunda:errorEventDefinition on an external task",
        "errors thrown when an expression over the task's result holds",
        _note(
            "serviceTask",
            _ext('<camunda:errorEventDefinition id="e" errorRef="x" expression="${bad}" />'),
            **EXTERNAL,
        ),
        "camunda:errorEventDefinition is not supported",
    ),
    runs(
        "camunda:escalationCodeVariable",
        "the caught escalation's code as a variable",
        "test_escalations.py::test_an_escalation_inside_a_sub_process_is_caught_at_its_non_interrupting_boundary",
    ),
    refused(
        "camunda:async on a signal",
        "the signal thrown in a job of its own",
        Edit("signal_throw", "SignalEventDefinition_throw", attributes={"camunda:async": "true"}),
        'camunda:async="true" on a signalEventDefinition is not supported',
    ),
    refused(
        "camunda:in on a signal",
        "the variables a signal carries",
        Edit("signal_throw", "SignalEventDefinition_throw", inner=_ext('<camunda:in variables="all" />')),
        "signal variables (camunda:in on a signal) are not supported",
    ),
    runs(
        "camunda:variableName and camunda:variableEvents",
        "which variable changes a conditional event reacts to",
        "test_conditional_events.py::test_variable_events_narrow_the_changes_a_conditional_event_looks_at",
    ),
    refused(
        "camunda:candidateStarterGroups and camunda:candidateStarterUsers",
        "who may start the process",
        Edit("pass_through_tasks", _PROCESS, attributes={"camunda:candidateStarterGroups": "clerks"}),
        'camunda:candidateStarterGroups="clerks" on a process is not supported',
    ),
    refused(
        "camunda:potentialStarter",
        "who may start the process",
        Edit("pass_through_tasks", _PROCESS, inner=_ext("<camunda:potentialStarter />")),
        "camunda:potentialStarter is not supported",
    ),
    runs(
        "camunda:historyTimeToLive",
        "how long history is kept (licflow keeps it, as the audit needs)",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "camunda:versionTag",
        "a tag of the version (shown nowhere in licflow)",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "camunda:isStartableInTasklist",
        "whether the tasklist offers to start it (licflow has no tasklist start)",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "camunda:properties (extension properties)",
        "stored, read by nothing",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "camunda:modelerTemplate, modelerTemplateVersion, diagramRelationId",
        "the Modeler's own bookkeeping",
        "test_events.py::test_elements_that_only_document_the_process_change_nothing",
    ),
    runs(
        "camunda:decisionRef",
        "the decision a business rule task evaluates",
        DECISIONS + "test_the_first_matching_rule_gives_the_fee_as_a_single_entry",
    ),
    refused(
        'camunda:decisionRefBinding="version" or "versionTag" (decisionRefVersion, decisionRefVersionTag)',
        "which version of the decision",
        Edit(
            "pass_through_tasks",
            "note",
            "businessRuleTask",
            {"camunda:decisionRef": "d", "camunda:decisionRefBinding": "version"},
        ),
        "camunda:decisionRefBinding='version' is not supported",
    ),
    refused(
        "camunda:decisionRefTenantId",
        "the tenant of the decision",
        Edit(
            "pass_through_tasks",
            "note",
            "businessRuleTask",
            {"camunda:decisionRef": "d", "camunda:decisionRefTenantId": "t1"},
        ),
        'camunda:decisionRefTenantId="t1" on a businessRuleTask is not supported',
    ),
    runs(
        "camunda:mapDecisionResult",
        "how the decision's result is mapped",
        DECISIONS + "test_a_result_list_keeps_each_matching_rule_as_a_map",
    ),
    runs(
        "camunda:resultVariable on a business rule task",
        "the variable the mapped result goes to",
        "tests/engine/dialect/test_decision_task.py::test_the_mapped_results_become_the_result_variables",
    ),
]

CONSTRUCTS = EVENTS + ACTIVITIES + CAMUNDA
START, END = "<!-- palette:start -->", "<!-- palette:end -->"


def documents(edit: Edit) -> dict[str, bytes]:
    """Return the diagram of an edit as an analyst would deploy it."""
    from tests.dialect import drive

    return drive.edited(edit.diagram, edit.element, edit.kind, edit.attributes, edit.inner)


def refusal_line(construct: Construct) -> str:
    """Return the line of the deploy refusal that names the construct."""
    from engine.dialect.parser import parse_documents
    from engine.errors import InvalidDiagram

    try:
        parse_documents(documents(construct.refused))
    except InvalidDiagram as error:
        lines = [line.removeprefix("- ") for line in str(error).splitlines()]
        return next((line for line in lines if construct.says in line), "")
    return ""


def render() -> str:
    """Return the table of docs/dialect.md: construct, Camunda 7, licflow, test."""
    rows = ["| Construct | Camunda 7 | licflow | Test |", "| --- | --- | --- | --- |"]
    for construct in CONSTRUCTS:
        if construct.test:
            path, name = construct.test.split("::")
            verdict, evidence = "runs", f"`{path.removeprefix('tests/')}::{name}`"
        else:
            verdict, evidence = (
                f"refused at deploy: {_cell(refusal_line(construct))}",
                "`dialect/test_palette.py`",
            )
        rows.append(f"| {_cell(construct.name)} | {_cell(construct.camunda)} | {verdict} | {evidence} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    print(render())
