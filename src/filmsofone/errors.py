"""Errors a user can act on.

`UserError` and its subclasses mean "the user asked for something that cannot be done as asked".
The CLI prints them as one line (what is wrong, and how to fix it) with exit status 2 and no traceback.
Anything else is a bug and is shown with a traceback under `--verbose`.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix: a missing file, an unknown slug, a bad option."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class BookNotFound(UserError):
    """No imported book has this slug."""


class BadInput(UserError):
    """A file that cannot be read as asked (empty, binary, not a book, broken)."""


class BibleError(UserError):
    """The cast bible file is invalid (YAML syntax or schema)."""


class BackendError(UserError):
    """A backend cannot honour a request, is unknown, or is missing its key."""


class ServerUnreachable(BackendError):
    """A server that never answered (refused, DNS, TLS): nothing was sent, every other request would fail alike."""


class FFmpegError(UserError):
    """ffmpeg failed; the message carries the useful part of its stderr."""


class FFmpegMissing(FFmpegError):
    """No ffmpeg can be run at all (missing, not executable, not a program): nothing that needs it can work."""
