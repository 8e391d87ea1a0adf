"""The site's log lines: a request id on every line of a request, plain text or JSON lines.

settings.LOGGING gives the console handler `RequestIdFilter` and one of the two formatters
(LOG_FORMAT=plain, the default, or json); `operations.middleware.RequestLogMiddleware` sets the
request id and writes one line per request on the `operations.requests` logger. Django's own
request loggers get `SecretPathFilter` (a path that is a key is written as its URL pattern), and
`django.security.DisallowedHost` gets `OneLineWarningFilter` (a bad Host header is one WARNING line).

This module is imported while logging is configured, before Django's apps are ready: it uses
the standard library only (SecretPathFilter imports the resolver when it first meets a path).
"""

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

# The id of the request this thread is answering, or None outside a request: set by RequestLogMiddleware,
# cleared when the response is closed (request_finished), after Django has logged a 4xx or 5xx.
current_request_id = contextvars.ContextVar("request_id", default=None)

# What a proxy's id looks like (a UUID, nginx's $request_id, AWS's Root=1-…): up to 128 visible characters.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/@-]{0,127}")

# The attributes every LogRecord has; any other one was given with `extra=` and goes into a JSON line.
STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def request_id_for(incoming):
    """`incoming` (an X-Request-ID header value, or None) when it is sane, else a new random id (32 hex digits)."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def forget_request_id(**kwargs):
    """`request_finished` receiver: lines logged after the response was sent belong to no request."""
    current_request_id.set(None)


def printable(text):
    """`text` with control, format and separator characters (newlines, bidi controls) escaped as \\xNN or \\uNNNN."""
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else character.encode("unicode_escape").decode("ascii")
        for character in text
    )


class RequestIdFilter(logging.Filter):
    """Give each record `request_id`: the current request's id, or "-" outside a request."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get() or "-"
        return True


class PlainFormatter(logging.Formatter):
    """`LEVEL logger [request id] message`, with the traceback on the following lines."""

    def __init__(self):
        super().__init__("%(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the record's
    `extra=` fields, and the traceback as `exception` when there is one."""

    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
        }
        if entry["request_id"] == "-":
            entry["request_id"] = None  # RequestIdFilter's mark for "outside a request"
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES and key not in entry
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class SecretPathFilter(logging.Filter):
    """On Django's request loggers (`django.request`, `django.security.csrf`): a request whose path is
    a key (operations.private_paths) is named by its URL pattern in the message, not by its path.

    Django gives those records the request (`record.request`) and its path as an argument, escaped
    with `unicode_escape`. Other records pass unchanged.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if not isinstance(path, str) or not isinstance(record.args, tuple):
            return True
        spellings = {path, path.encode("unicode_escape").decode("ascii")}
        if not any(isinstance(argument, str) and argument in spellings for argument in record.args):
            return True
        from .private_paths import loggable_path  # Django's URL resolver: imported once apps are ready

        hidden = loggable_path(request)
        if hidden != path:
            record.args = tuple(
                hidden if isinstance(argument, str) and argument in spellings else argument for argument in record.args
            )
        return True


class OneLineWarningFilter(logging.Filter):
    """Turn the record into one WARNING line without its traceback: for errors that are the visitor's,
    not the site's, such as a Host header the site does not answer to (Django logs each at ERROR with
    the traceback, and scanners send them all day long)."""

    def filter(self, record):
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
