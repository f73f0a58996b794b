"""Errors the engine raises; `web/` maps them to HTTP answers in one place."""


class LicflowError(Exception):
    """Base class of every licflow domain error."""


class InvalidDiagram(LicflowError):
    """A diagram or decision table could not be parsed or validated."""


class InvalidXml(LicflowError):
    """A document is not well-formed XML, or is too large to read."""


class UnsafeXml(InvalidXml):
    """An XML document uses DTDs or entities, which licflow refuses to read."""


class NotFound(LicflowError):
    """The case, task, definition or timer named does not exist."""


class Conflict(LicflowError):
    """The case changed under this command, or the task is no longer in that state."""


class InvalidCommand(LicflowError):
    """The command's input does not fit the case or the task."""


class LockLost(Conflict):
    """The external task is not locked by this worker any more."""


class MessageNotCorrelated(LicflowError):
    """No case is waiting for this message with these correlation keys."""


class AmbiguousCorrelation(LicflowError):
    """More than one case waits for this message with these correlation keys."""


class ProcessError(LicflowError):
    """Running the diagram failed at an element (a bad expression, no flow to take)."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id


class UnknownTopic(LicflowError):
    """A diagram names a topic that no worker serves, or a topic is registered twice."""


class FormInvalid(InvalidCommand):
    """What a person submitted does not fit the task's form; `errors` names each field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors
