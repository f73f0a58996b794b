"""The task list and the task forms of officers (and heads, who oversee them)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from engine import clock, extensions
from engine.errors import FormInvalid
from engine.people import assignment, queries
from engine.people.task_forms import describe_task
from web.i18n import _
from web.staff import page_errors
from web.staff.signin import current_user, role_required

bp = Blueprint("tasks", __name__)
page_errors.install(bp)
TASK_ROLES = ("officers", "heads")


def _orchestrator():
    return current_app.extensions["licflow"]


def _filter() -> queries.TaskFilter:
    user = current_user()
    status = request.args.get("status") or None
    return queries.TaskFilter(
        username=user.username,
        groups=tuple(sorted(user.roles)),
        see_all=user.has("heads"),
        kind=request.args.get("kind") or None,
        status=status if status in queries.TASK_STATUSES else None,
        business_key=(request.args.get("business_key") or "").strip() or None,
    )


def _lines(page: queries.TaskPage) -> list[dict]:
    lines = []
    for row in page.rows:
        state, left = extensions.current().urgency(
            row.task.due_at and clock.as_utc(row.task.due_at), clock.now()
        )
        lines.append({"row": row, "task": row.task, "urgency": state, "days_left": left})
    return lines


@bp.get("/tasks")
@role_required(*TASK_ROLES)
def task_list():
    """List the open tasks of my groups and mine, earliest statutory due time first."""
    with _orchestrator().reading() as db:
        page = queries.task_page(db, _filter(), request.args.get("after"))
    return render_template(
        "tasks.html",
        lines=_lines(page),
        next_after=page.next_after,
        kinds=extensions.current().case_kinds,
        args=request.args,
    )


@bp.get("/api/tasks")
def task_list_json():
    """The task list as JSON for signed-in officers and heads (401/403 otherwise)."""
    user = current_user()
    if user is None:
        return jsonify(type="Unauthorized", message="sign in first"), 401
    if not user.has(*TASK_ROLES):
        return jsonify(type="Forbidden", message="officers and heads only"), 403
    with _orchestrator().reading() as db:
        page = queries.task_page(db, _filter(), request.args.get("after"))
    return jsonify(
        tasks=[
            {
                "id": line["task"].id,
                "caseId": line["task"].case_id,
                "businessKey": line["row"].business_key,
                "name": line["task"].name,
                "elementId": line["task"].element_id,
                "assignee": line["task"].assignee,
                "dueAt": clock.as_utc(line["task"].due_at).isoformat() if line["task"].due_at else None,
                "workingDaysLeft": line["days_left"],
                "urgency": line["urgency"],
                "kind": line["row"].kind,
            }
            for line in _lines(page)
        ],
        nextAfter=page.next_after,
    )


@bp.get("/tasks/<task_id>")
@role_required(*TASK_ROLES)
def task_form(task_id: str):
    """Show a task's form with the application and the automated checks."""
    return _render_form(task_id, values={}, errors={})


@bp.post("/tasks/<task_id>")
@role_required(*TASK_ROLES)
def complete_task(task_id: str):
    """Complete the task with what was entered; a form that does not fit is shown again."""
    user = current_user()
    _require_candidate(task_id)
    with _orchestrator().transaction() as db:
        fields = describe_task(db, task_id).fields
    data = _submitted(fields)
    try:
        # someone else's claim is refused inside the completing transaction (409)
        case_id = _orchestrator().complete_user_task(task_id, data, user.actor, user.username)
    except FormInvalid as invalid:
        return _render_form(task_id, values=dict(request.form), errors=invalid.errors, status=400)
    flash(_("Task completed."), "info")
    return redirect(url_for("cases.case_page", case_id=case_id))


@bp.post("/tasks/<task_id>/claim")
@role_required(*TASK_ROLES)
def claim(task_id: str):
    """Claim a task; someone else's claim answers 409."""
    _require_candidate(task_id)
    with _orchestrator().transaction() as db:
        assignment.claim(db, task_id, current_user().username)
    flash(_("Task claimed."), "info")
    return redirect(_back(task_id))


@bp.post("/tasks/<task_id>/unclaim")
@role_required(*TASK_ROLES)
def unclaim(task_id: str):
    """Give a task back; heads may take back another officer's claim."""
    user = current_user()
    with _orchestrator().transaction() as db:
        assignment.unclaim(db, task_id, user.username, override=user.has("heads"))
    flash(_("Task given back."), "info")
    return redirect(_back(task_id))


def _back(task_id: str) -> str:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("tasks.task_form", task_id=task_id)


def _require_candidate(task_id: str) -> None:
    user = current_user()
    with _orchestrator().reading() as db:
        task = describe_task(db, task_id).task
    if not assignment.may_work_on(task, user.username, user.roles):
        abort(403, _("You are not among the candidates of this task."))


def _submitted(fields) -> dict:
    data = {}
    for field in fields:
        if field.type == "boolean":
            data[field.id] = field.id in request.form
        elif field.id in request.form:
            data[field.id] = request.form[field.id]
    return data


def _render_form(task_id: str, values: dict, errors: dict, status: int = 200):
    user = current_user()
    with _orchestrator().reading() as db:
        form = describe_task(db, task_id)
    may_complete = (
        form.task.status == "open"
        and assignment.may_work_on(form.task, user.username, user.roles)
        and form.task.assignee in (None, user.username)
    )
    page = render_template(
        "task_form.html", form=form, values=values, errors=errors, may_complete=may_complete
    )
    return page, status
