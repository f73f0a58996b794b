"""`/task`: open user tasks: search, read, claim, unclaim, assign, complete, forms, variables, candidates.

The rules are the staff pages': an officer sees and works on the tasks offered to
them or their groups, heads oversee every task; completing a task someone else holds
is a conflict; what is submitted passes the task's form checks and the procedure's
form rules (`engine.runtime.forms`), and a refusal names each field (400).
"""

from __future__ import annotations

from datetime import UTC

from flask import current_app, jsonify

from engine.errors import Conflict, NotFound
from engine.people import assignment, task_search
from engine.people.task_forms import describe_task
from engine.runtime import cases, commands
from web.camunda import params
from web.camunda.access import ASSIGN_TASK, READ_TASK, WORK_ON_TASK, Forbidden, caller
from web.camunda.routes import count, route
from web.camunda.shapes import row_id, task_json
from web.camunda.variables import from_typed, to_typed, to_typed_value

LIST_FILTERS = (
    "taskId",
    "processInstanceId",
    "processInstanceIdIn",
    "processInstanceBusinessKey",
    "processDefinitionKey",
    "processDefinitionId",
    "taskDefinitionKey",
    "name",
    "candidateGroup",
    "candidateGroups",
    "candidateUser",
    "includeAssignedTasks",
    "assignee",
    "assigned",
    "unassigned",
    "dueBefore",
    "dueAfter",
    "active",
)
SORT_FIELDS = tuple(task_search.SORT_COLUMNS)
FORM_TYPES = {"boolean": "Boolean", "long": "Long", "string": "String", "enum": "String", "date": "String"}


def _orchestrator():
    return current_app.extensions["licflow"]


@route("GET", "/task", READ_TASK, query=LIST_FILTERS, sort_by=SORT_FIELDS)
def task_list():
    """Open tasks the caller may see, filtered, sorted and paged."""
    rows, _ = _search(params.window(SORT_FIELDS), counted=False)
    return jsonify([task_json(task, definition) for task, definition in rows])


@route("GET", "/task/count", READ_TASK, query=LIST_FILTERS)
def task_count():
    """How many open tasks the caller may see match the filters."""
    return count(_search(params.Window())[1])


def _search(window: params.Window, counted: bool = True):
    who = caller()
    if params.boolean("active") is False:
        return [], 0  # no task is suspended in licflow
    groups = params.texts("candidateGroups")
    one_group = params.text("candidateGroup")
    if one_group is not None:
        groups = (groups or []) + [one_group]
    ids = params.texts("processInstanceIdIn")
    one_case = params.text("processInstanceId")
    if one_case is not None:
        ids = (ids or []) + [one_case]
    definition = params.text("processDefinitionId")
    assigned, unassigned = params.boolean("assigned"), params.boolean("unassigned")
    wanted = task_search.TaskSearch(
        viewer=who.name,
        viewer_groups=tuple(sorted(who.roles)),
        sees_all=who.sees_every_task,
        task_id=params.text("taskId"),
        case_ids=tuple(ids) if ids is not None else None,
        business_key=params.text("processInstanceBusinessKey"),
        definition_key=params.text("processDefinitionKey"),
        definition_id=row_id(definition, "process definition") if definition else None,
        element_id=params.text("taskDefinitionKey"),
        name=params.text("name"),
        candidate_groups=tuple(groups) if groups is not None else None,
        candidate_user=params.text("candidateUser"),
        include_assigned=params.boolean("includeAssignedTasks") or False,
        assignee=params.text("assignee"),
        assigned=True if assigned else False if unassigned else None,
        due_before=_utc(params.moment("dueBefore")),
        due_after=_utc(params.moment("dueAfter")),
        sort_by=window.sort_by or "id",
        descending=window.descending,
        first=window.first,
        size=window.size,
    )
    with _orchestrator().reading() as session:
        return task_search.search_tasks(session, wanted, counted)


def _utc(moment):
    return moment.astimezone(UTC) if moment is not None else None


def _visible(task_id: str, permission=READ_TASK):
    """Return the task's form description, or refuse a caller who is not among its candidates."""
    with _orchestrator().reading() as session:
        return _visible_in(session, task_id, permission)


def _visible_in(session, task_id: str, permission):
    _permitted(session, task_id, permission)
    form = describe_task(session, task_id)
    return form, cases.read_case(session, form.task.case_id).definition


def _permitted(session, task_id: str, permission):
    """Return the task's row, or refuse a caller who is not among its candidates (no form is read)."""
    who = caller()
    task = assignment.user_task(session, task_id)
    if not who.sees_every_task and not assignment.may_work_on(task, who.name, who.roles):
        raise Forbidden(who, permission, task_id)
    return task


def _check_permitted(task_id: str, permission) -> None:
    with _orchestrator().reading() as session:
        _permitted(session, task_id, permission)


@route("GET", "/task/{task_id}", READ_TASK)
def task(task_id: str):
    """One open task."""
    form, definition = _visible(task_id)
    if form.task.status != "open":
        raise NotFound(f"No matching task with id {task_id}")
    return jsonify(task_json(form.task, definition))


@route("POST", "/task/{task_id}/claim", WORK_ON_TASK, body="json", ok=204)
def claim(task_id: str):
    """Claim a task for a person; someone else's claim answers 409."""
    user_id = params.string_field(params.body(), "userId", required=True)
    _check_for_someone_else(user_id)
    _check_permitted(task_id, WORK_ON_TASK)
    with _orchestrator().transaction() as session:
        assignment.claim(session, task_id, user_id)
    return "", 204


@route("POST", "/task/{task_id}/unclaim", WORK_ON_TASK, ok=204)
def unclaim(task_id: str):
    """Give a task back to its candidates; heads may take back another person's claim."""
    who = caller()
    _check_permitted(task_id, WORK_ON_TASK)
    with _orchestrator().transaction() as session:
        assignment.unclaim(session, task_id, who.name, override=who.may(ASSIGN_TASK))
    return "", 204


@route("POST", "/task/{task_id}/assignee", ASSIGN_TASK, body="json", ok=204)
def set_assignee(task_id: str):
    """Make a person (or nobody, with userId null) the assignee of a task, whoever held it."""
    body = params.body()
    user_id = params.string_field(body, "userId")
    _check_permitted(task_id, ASSIGN_TASK)
    with _orchestrator().transaction() as session:
        assignment.set_assignee(session, task_id, user_id, caller().actor)
    return "", 204


def _check_for_someone_else(user_id: str) -> None:
    who = caller()
    if user_id != who.name and not who.may(ASSIGN_TASK):
        raise Forbidden(who, ASSIGN_TASK)


@route("POST", "/task/{task_id}/complete", WORK_ON_TASK, body="json")
def complete(task_id: str):
    """Complete a task with typed variables; the form checks apply as on the task page."""
    return _complete(task_id)


@route("POST", "/task/{task_id}/submit-form", WORK_ON_TASK, body="json")
def submit_form(task_id: str):
    """Submit a task's form with typed variables; the form checks apply as on the task page."""
    return _complete(task_id)


def _complete(task_id: str):
    body = params.body()
    params.known_fields(body, ("variables", "withVariablesInReturn"))
    variables = from_typed(body.get("variables"), "variables")
    who = caller()
    with _orchestrator().transaction() as session:  # the task checked is the task completed
        task = _permitted(session, task_id, WORK_ON_TASK)
        if task.assignee not in (None, who.name) and not who.client:
            raise Conflict(f"task {task_id} is claimed by {task.assignee}")
        case_id = commands.complete_user_task(session, task_id, variables, who.actor)
    if not params.boolean_field(body, "withVariablesInReturn"):
        return "", 204
    with _orchestrator().reading() as session:
        return jsonify(to_typed(cases.case_variables(cases.read_case(session, case_id).workflow)))


@route("GET", "/task/{task_id}/form", READ_TASK)
def form_key(task_id: str):
    """The task's form key."""
    form, _ = _visible(task_id)
    return jsonify(key=form.task.form_key, contextPath=None, camundaFormRef=None)


@route("GET", "/task/{task_id}/form-variables", READ_TASK, query=("variableNames", "deserializeValues"))
def form_variables(task_id: str):
    """The task's form fields, each with the value the case holds for it (or its default)."""
    form, _ = _visible(task_id)
    names = params.texts("variableNames")
    params.boolean("deserializeValues")
    answer = {}
    for field in form.fields:
        if names is None or field.id in names:
            value = form.variables.get(field.id, field.default if field.default not in ("", None) else None)
            typed = to_typed_value(value)
            typed["type"] = FORM_TYPES.get(field.type, typed["type"])  # typed by the form, even when empty
            answer[field.id] = typed
    return jsonify(answer)


@route("GET", "/task/{task_id}/variables", READ_TASK, query=("deserializeValues",))
def variables(task_id: str):
    """The variables the task sees, typed."""
    params.boolean("deserializeValues")
    form, _ = _visible(task_id)
    return jsonify(to_typed(form.variables))


@route("GET", "/task/{task_id}/variables/{name}", READ_TASK, query=("deserializeValue",))
def variable(task_id: str, name: str):
    """One variable the task sees, typed."""
    params.boolean("deserializeValue")
    form, _ = _visible(task_id)
    if name not in form.variables:
        raise NotFound(f"task variable with name {name} does not exist")
    return jsonify(to_typed_value(form.variables[name]))


@route("GET", "/task/{task_id}/identity-links", READ_TASK, query=("type",))
def identity_links(task_id: str):
    """Who the task is offered to (candidate groups and users) and who holds it (assignee)."""
    form, _ = _visible(task_id)
    task = form.task
    links = [{"userId": None, "groupId": g, "type": "candidate"} for g in _members(task.candidate_groups)]
    links += [{"userId": u, "groupId": None, "type": "candidate"} for u in _members(task.candidate_users)]
    if task.assignee:
        links.append({"userId": task.assignee, "groupId": None, "type": "assignee"})
    wanted = params.text("type")
    return jsonify([link for link in links if wanted is None or link["type"] == wanted])


def _members(column: str | None) -> list[str]:
    return [part for part in (column or "").split(",") if part]
