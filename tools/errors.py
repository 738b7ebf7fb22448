"""One error model for every command and the HTTP API.

Each class carries the process exit status a command returns and the HTTP status the API answers
with, so a failure is reported the same way whether it reaches a terminal or a browser.
`error_body()` is the one JSON shape of every API error (datasette's single error shape).
"""

from __future__ import annotations


class KBError(Exception):
    """Base of the knowledge base's expected failures.

    Attributes:
        exit_code: process exit status for a command (1 = content refused, 2 = usage or build).
        http_status: status of the API response that reports it.
        code: a stable machine name of the failure (snake_case, e.g. 'query_too_long'), which the
            search page translates; the message stays English, for API users. A class default,
            or the `code` keyword of one raise.
    """

    exit_code = 2
    http_status = 500
    code = "error"

    def __init__(self, *args, code: str | None = None):
        super().__init__(*args)
        if code:
            self.code = code


class UsageError(KBError):
    """A command or request was called wrongly (bad argument or parameter): exit 2, HTTP 400."""

    exit_code = 2
    http_status = 400
    code = "bad_request"


class BuildError(KBError):
    """A build step failed (MkDocs, the index writer, the file system); the message carries its
    output. Exit 2, HTTP 500."""

    exit_code = 2
    http_status = 500
    code = "build_failed"


class QueryError(UsageError):
    """A search query or its parameters cannot be answered as given (too long, page out of range,
    unknown filter value). Exit 2, HTTP 400."""

    code = "bad_query"


class Refused(KBError):
    """A command declined to act so as not to lose or corrupt a contributor's work (a file already
    exists, an unknown folder or vocabulary term). Exit 1, HTTP 409."""

    exit_code = 1
    http_status = 409
    code = "refused"


class Unavailable(KBError):
    """The server cannot answer now but may shortly: no search index yet (or one being swapped
    in), or too many searches waiting. Exit 2, HTTP 503 (with Retry-After)."""

    http_status = 503
    code = "unavailable"


class TimedOut(Unavailable):
    """A search exceeded the server's time limit and was abandoned. HTTP 504 (with Retry-After)."""

    http_status = 504
    code = "timed_out"


# The code of an error raised without one (a refusal before routing, Starlette's 404), by HTTP status.
STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 409: "refused",
                414: "query_string_too_long", 500: "internal", 503: "unavailable", 504: "timed_out"}


def error_body(status: int, message: str, code: str | None = None) -> dict:
    """The JSON body of every API error: `{"ok": false, "status": int, "code": str, "error": str}`.

    `code` is a stable machine name (KBError.code; default by status from STATUS_CODES, else
    'error') that clients translate; `error` is the English message, for people reading the API."""
    return {"ok": False, "status": status, "code": code or STATUS_CODES.get(status, "error"), "error": message}
