"""Check what a person submits for a user task against the task's form (camunda:formData).

Each field is converted to its declared type (boolean, long, string, enum, date); a
required field must be there; an empty box takes the field's default, and an unticked
boolean is false, as in Camunda's generated forms. Each message is a `Phrase`: English for
the REST APIs, translated by the page that shows it. Rules that join several fields come
from the installed procedure (`engine.extensions`), by the form's key. Nothing is saved
unless every field fits. A task without a form takes any variables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import extensions
from engine.errors import FormInvalid
from engine.i18n import N_, Phrase

TRUE_WORDS = {"true", "on", "yes", "1"}
FALSE_WORDS = {"false", "off", "no", "0"}
WHOLE_NUMBER = N_("must be a whole number, got %(value)s")


def form_fields(task_spec) -> list:
    """Return the form fields of a user task spec, in the diagram's order."""
    form = getattr(task_spec, "form", None)
    return list(form.fields) if form is not None else []


def form_key(task_spec) -> str | None:
    """Return the camunda:formKey of a user task spec."""
    return task_spec.extensions.get("camunda", {}).get("formKey")


def read_submission(task_spec, data: dict[str, Any]) -> dict[str, Any]:
    """Return `data` with every form field converted; raise FormInvalid naming each bad field."""
    fields = form_fields(task_spec)
    if not fields:
        return dict(data)
    values = dict(data)
    errors: dict[str, str] = {}
    for field in fields:
        raw = data.get(field.id)
        try:
            if raw is None or raw == "":
                values[field.id] = _empty(field)
            else:
                values[field.id] = _convert(field, raw)
        except ValueError as error:
            errors[field.id] = error.args[0]
    rule = extensions.current().form_rules.get(form_key(task_spec) or "")
    if not errors and rule is not None:
        errors.update(rule(values))
    if errors:
        raise FormInvalid(errors)
    return values


def _required(field) -> bool:
    # <camunda:constraint name="required" /> has no config, which FormField.has_validation misses
    return any(rule.name == "required" for rule in field.validation)


def _empty(field) -> Any:
    if _required(field):
        raise ValueError(Phrase(N_("is required")))
    if field.default_value not in ("", None):
        return _convert(field, field.default_value)
    return False if field.type == "boolean" else None


def _convert(field, raw: Any) -> Any:
    kind = field.type
    if kind == "boolean":
        return _boolean(raw)
    if kind == "long":
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValueError(Phrase(WHOLE_NUMBER, value=repr(raw)))
        try:
            return int(raw)
        except ValueError:
            raise ValueError(Phrase(WHOLE_NUMBER, value=repr(raw))) from None
    if kind == "enum":
        allowed = [option.id for option in field.options]
        if raw not in allowed:
            raise ValueError(
                Phrase(
                    N_("must be one of %(allowed)s; got %(value)s"),
                    allowed=", ".join(allowed),
                    value=repr(raw),
                )
            )
        return raw
    if kind == "date":
        try:
            return date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError(
                Phrase(N_("must be a date (YYYY-MM-DD), got %(value)s"), value=repr(raw))
            ) from None
    if not isinstance(raw, str):
        raise ValueError(Phrase(N_("must be text, got %(kind)s"), kind=type(raw).__name__))
    return raw


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in TRUE_WORDS | FALSE_WORDS:
        return raw.lower() in TRUE_WORDS
    raise ValueError(Phrase(N_("must be true or false, got %(value)s"), value=repr(raw)))
