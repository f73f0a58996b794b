"""Errors a script task's script raises when it is compiled (at deploy) or run."""

from __future__ import annotations


class ScriptError(ValueError):
    """A script task's script could not be deployed or run."""

    def __init__(self, message: str, *, element_id: str, language: str) -> None:
        super().__init__(message)
        self.element_id = element_id
        self.language = language


class ScriptRefused(ScriptError):
    """The script's language, or a construct in it, is not run by licflow."""


class ScriptSyntaxError(ScriptError):
    """The script does not parse; `line` and `column` are 1-based."""

    def __init__(self, message: str, *, element_id: str, language: str, line: int, column: int) -> None:
        super().__init__(message, element_id=element_id, language=language)
        self.line = line
        self.column = column


class ScriptFailed(ScriptError):
    """The script stopped with an error, ran out of time or steps, or passed a size cap."""

    def __init__(self, message: str, *, element_id: str, language: str, cause: str) -> None:
        super().__init__(message, element_id=element_id, language=language)
        self.cause = cause


def describe_task(element_id: str, language: str) -> str:
    """Return how messages name a script task: `python script task 'register_application'`."""
    return f"{language} script task {element_id!r}"
