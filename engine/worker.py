"""The worker interface: register a plain function for a topic with a decorator.

The function's parameters are the process variables it reads; the dict it returns
is what it writes. It ends in one of three ways, named in BPMN terms: it returns
(success), it raises `BpmnError` (a business error the diagram catches), or it
raises anything else (a technical failure, retried with backoff, then an incident).
Workers import only this module from the engine: it also gives them the engine's clock
(`now()`, `today()` in the engine's zone), the languages people read (`translator`,
`moment_text`, `day_text`) and PDF text that prints every letter or fails (`PdfText`).
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine import clock
from engine.errors import UnknownTopic
from engine.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, checked, day_text, moment_text, translator
from engine.pdf_text import DocumentFont, FontMissing, GlyphMissing, PdfText

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "BpmnError",
    "DocumentFont",
    "FontMissing",
    "GlyphMissing",
    "Outcome",
    "PdfText",
    "TaskContext",
    "WorkerRegistry",
    "checked",
    "day_text",
    "idempotency_key",
    "moment_text",
    "now",
    "run_handler",
    "today",
    "translator",
]

log = logging.getLogger(__name__)


def now() -> datetime:
    """Return the engine's current time (workers never read the wall clock themselves)."""
    return clock.now()


def today() -> date:
    """Return today's date in Asia/Almaty, by the engine's clock."""
    return clock.local(clock.now()).date()


class BpmnError(Exception):
    """A business error for the diagram's error boundary event to catch."""

    def __init__(self, code: str, message: str = "", variables: dict[str, Any] | None = None):
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.variables = variables or {}


def idempotency_key(case_id: str, task_id: str) -> str:
    """Same for every delivery of a task: an outside effect keyed by it happens once."""
    return f"{case_id}:{task_id}"


@dataclass(frozen=True)
class TaskContext:
    """What a worker may know about the task besides its variables."""

    task_id: str
    case_id: str
    business_key: str | None
    topic: str
    attempt: int
    idempotency_key: str
    numbers: Callable[[str], int] | None = field(default=None, repr=False, compare=False)
    documents: Callable[[], list[dict[str, Any]]] | None = field(default=None, repr=False, compare=False)

    def allocate_number(self, series: str) -> int:
        """Return the next number of `series` for this task; a retry gets the same number."""
        if self.numbers is None:
            raise RuntimeError("this worker runs without a number service")
        return self.numbers(series)

    def destroy_case_documents(self) -> list[dict[str, Any]]:
        """Destroy the documents attached to this task's case; a retry is answered the same ones."""
        if self.documents is None:
            raise RuntimeError("this worker runs without a document service")
        return self.documents()


@dataclass(frozen=True)
class Handler:
    """A worker function registered for one topic."""

    topic: str
    function: Callable[..., dict[str, Any] | None]
    reads: tuple[str, ...]
    wants_context: bool

    def __call__(self, variables: dict[str, Any], context: TaskContext) -> dict[str, Any]:
        arguments = {name: variables.get(name) for name in self.reads}
        if self.wants_context:
            arguments["context"] = context
        result = self.function(**arguments)
        if result is None:
            return {}
        if not isinstance(result, dict):
            raise TypeError(f"worker for {self.topic!r} returned {type(result).__name__}, not a dict")
        return result


@dataclass
class WorkerRegistry:
    """The topics this process serves and the function for each."""

    handlers: dict[str, Handler] = field(default_factory=dict)

    def topic(self, name: str) -> Callable:
        """Register the decorated function as the worker of topic `name`."""

        def register(function: Callable) -> Callable:
            if name in self.handlers:
                raise UnknownTopic(f"topic {name!r} is registered twice ({function.__qualname__})")
            parameters = inspect.signature(function).parameters
            reads = tuple(p for p in parameters if p != "context")
            self.handlers[name] = Handler(name, function, reads, "context" in parameters)
            return function

        return register

    def include(self, other: WorkerRegistry) -> None:
        """Add every topic of `other`; a topic registered twice fails."""
        for name, handler in other.handlers.items():
            if name in self.handlers:
                raise UnknownTopic(f"topic {name!r} is registered twice")
            self.handlers[name] = handler

    def require(self, topics: set[str]) -> None:
        """Fail with a clear message if a diagram topic has no worker."""
        missing = sorted(topics - set(self.handlers))
        if missing:
            raise UnknownTopic(f"no worker is registered for topic(s): {', '.join(missing)}")


@dataclass(frozen=True)
class Outcome:
    """How a worker function ended: "success", "bpmn_error" or "failure", with what to report."""

    kind: str
    variables: dict[str, Any] = field(default_factory=dict)
    error_code: str = ""
    message: str = ""
    details: str | None = None


def run_handler(handler: Handler, variables: dict[str, Any], context: TaskContext) -> Outcome:
    """Call the worker function and name its outcome in BPMN terms; it never raises."""
    try:
        result = handler(variables, context)
    except BpmnError as error:
        return Outcome("bpmn_error", error.variables, error.code, error.message)
    except Exception as error:  # a technical failure: retried, then an incident
        log.warning("worker for %s failed on task %s: %s", handler.topic, context.task_id, error)
        return Outcome("failure", message=str(error) or type(error).__name__, details=traceback.format_exc())
    return Outcome("success", result)
