"""One log line per request with its id, plain or JSON; the id echoed in X-Request-ID; Sentry only when asked for."""

import json
import logging
import re
import textwrap

import pytest

from operations.logs import JsonFormatter, PlainFormatter, RequestIdFilter

from .second_site import SecondSite

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def request_lines(caplog):
    """The records of `operations.requests` (one per request), caught at INFO."""
    caplog.set_level(logging.INFO, logger="operations.requests")
    return lambda: [record for record in caplog.records if record.name == "operations.requests"]


@pytest.mark.django_db
def test_a_request_logs_one_line_with_its_id_method_path_status_and_time(client, request_lines):
    response = client.get("/en/search/?q=harbour", REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Probe/1.0")

    (line,) = request_lines()
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert line.request_id == response["X-Request-ID"]
    assert (line.method, line.path, line.status) == ("GET", "/en/search/", response.status_code)
    assert line.duration_ms > 0
    assert line.getMessage() == f"GET /en/search/ {response.status_code} {line.duration_ms:.1f} ms"


@pytest.mark.django_db
def test_the_request_line_holds_no_address_user_agent_or_query(client, request_lines):
    client.get("/en/search/?q=private+words", REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Probe/1.0")

    (line,) = request_lines()
    text = JsonFormatter().format(line) + PlainFormatter().format(line)
    assert "198.51.100.23" not in text
    assert "Probe/1.0" not in text
    assert "private" not in text


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_echoed(client, request_lines):
    incoming = "7f3c9a1e-2b4d-4c8e-9f10-a2b3c4d5e6f7"

    response = client.get("/en/", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming
    assert request_lines()[0].request_id == incoming


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    ["abc\ndef", "abc\r\nX-Injected: yes", "a" * 1024, "id with spaces", "<script>", "\u202eevil", ""],
    ids=["newline", "header-injection", "1kB", "spaces", "markup", "bidi", "empty"],
)
def test_a_hostile_incoming_request_id_is_replaced_by_a_new_one(client, request_lines, hostile):
    response = client.get("/en/", HTTP_X_REQUEST_ID=hostile)

    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert request_lines()[0].request_id == response["X-Request-ID"]


class KeptRecords(logging.Handler):
    """A handler that keeps its records, with the site's request-id filter (as the console handler has)."""

    def __init__(self):
        super().__init__()
        self.records = []
        self.addFilter(RequestIdFilter())

    def emit(self, record):
        self.records.append(record)


@pytest.mark.django_db
def test_every_line_logged_during_a_request_carries_its_id(client):
    kept = KeptRecords()
    logging.getLogger("django.request").addHandler(kept)
    try:
        response = client.get("/en/no-such-page/", HTTP_X_REQUEST_ID="trace-42")
    finally:
        logging.getLogger("django.request").removeHandler(kept)

    assert response.status_code == 404
    (warning,) = kept.records
    assert warning.getMessage().startswith("Not Found")
    assert warning.request_id == "trace-42"


@pytest.mark.django_db
def test_a_bad_host_header_is_one_warning_line_without_a_traceback(client, request_lines):
    kept = KeptRecords()
    logging.getLogger("django.security.DisallowedHost").addHandler(kept)
    try:
        response = client.get("/en/", HTTP_HOST="scanner.example", HTTP_X_REQUEST_ID="trace-44")
    finally:
        logging.getLogger("django.security.DisallowedHost").removeHandler(kept)

    assert response.status_code == 400
    (warning,) = kept.records
    line = PlainFormatter().format(warning)
    assert line.startswith(
        "WARNING django.security.DisallowedHost [trace-44] Invalid HTTP_HOST header: 'scanner.example'"
    )
    assert "\n" not in line and "Traceback" not in line
    assert warning.exc_info is None
    assert (request_lines()[0].path, request_lines()[0].status) == ("/en/", 400)


@pytest.mark.django_db
def test_a_json_line_parses_into_the_request_fields(client, request_lines):
    response = client.get("/en/", HTTP_X_REQUEST_ID="trace-43")

    entry = json.loads(JsonFormatter().format(request_lines()[0]))

    assert entry["request_id"] == "trace-43"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/en/", response.status_code)
    assert entry["level"] == "INFO" and entry["logger"] == "operations.requests"
    assert entry["time"].endswith("+00:00")


@pytest.mark.django_db
def test_control_characters_in_the_path_cannot_forge_a_log_line(client, request_lines):
    client.get("/en/story%0AINFO%20operations.requests%20GET%20/admin/%20200/")

    line = PlainFormatter().format(request_lines()[0])

    assert "\n" not in line
    assert "/en/story\\nINFO" in line


@pytest.mark.django_db
def test_a_request_whose_error_page_fails_still_logs_its_line(client, request_lines, settings):
    settings.ROOT_URLCONF = "operations.tests.failing_urls"

    with pytest.raises(RuntimeError):
        client.get("/broken/", HTTP_X_REQUEST_ID="trace-500")

    (line,) = request_lines()
    assert (line.request_id, line.path, line.status) == ("trace-500", "/broken/", 500)


def settings_process(tmp_path, code, **env):
    site = SecondSite(tmp_path)
    environment = {**site.environment(), **env}
    site.environment = lambda: environment
    return site.run("-c", textwrap.dedent(code))


def test_log_format_json_writes_json_lines_on_the_console(tmp_path):
    result = settings_process(
        tmp_path,
        """
        import django, logging
        django.setup()
        logging.getLogger("newsroom.check").warning("Disk %s is full", "/srv")
        """,
        LOG_FORMAT="json",
    )

    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "Disk /srv is full"
    assert (entry["level"], entry["logger"], entry["request_id"]) == ("WARNING", "newsroom.check", None)


def test_plain_lines_name_the_level_logger_and_request(tmp_path):
    result = settings_process(
        tmp_path,
        """
        import django, logging
        django.setup()
        logging.getLogger("newsroom.check").warning("Disk is full")
        """,
    )

    assert result.stderr.strip().splitlines()[-1] == "WARNING newsroom.check [-] Disk is full"


def test_an_unknown_log_format_is_refused(tmp_path):
    result = settings_process(tmp_path, "import django; django.setup()", LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json; got 'xml'" in result.stderr


def test_sentry_dsn_without_sentry_sdk_installed_is_a_clear_error(tmp_path):
    result = settings_process(
        tmp_path,
        """
        import sys
        sys.modules["sentry_sdk"] = None  # as if it were not installed: importing it raises ImportError
        import django; django.setup()
        """,
        SENTRY_DSN="https://public@sentry.example/1",
    )

    assert result.returncode != 0
    assert "SENTRY_DSN is set but sentry-sdk is not installed: .venv/bin/pip install -r requirements-sentry.txt" in (
        result.stderr
    )


def test_sentry_dsn_starts_sentry_without_personal_data(tmp_path):
    fake = tmp_path / "fake" / "sentry_sdk"
    (fake / "integrations").mkdir(parents=True)
    (fake / "__init__.py").write_text("calls = []\ndef init(**options):\n    calls.append(options)\n")
    (fake / "integrations" / "__init__.py").write_text("")
    (fake / "integrations" / "logging.py").write_text(
        "ignored = []\ndef ignore_logger(name):\n    ignored.append(name)\n"
    )
    result = settings_process(
        tmp_path,
        """
        import json, django
        django.setup()
        import sentry_sdk
        from sentry_sdk.integrations import logging
        named = lambda function: f"{function.__module__}.{function.__qualname__}"
        print(json.dumps({"init": sentry_sdk.calls, "ignored": logging.ignored}, default=named))
        """,
        SENTRY_DSN="https://public@sentry.example/1",
        SENTRY_ENVIRONMENT="staging",
        PYTHONPATH=str(fake.parent),
    )

    assert result.returncode == 0, result.stderr
    started = json.loads(result.stdout)
    (options,) = started["init"]
    assert options["dsn"] == "https://public@sentry.example/1"
    assert options["environment"] == "staging"
    assert options["send_default_pii"] is False
    assert options["max_request_body_size"] == "never"
    assert options["include_local_variables"] is False
    # A key in a URL is written as its pattern (operations/sentry.py; tested in test_private_paths.py).
    assert options["before_send"] == options["before_send_transaction"] == "operations.sentry.scrub_event"
    # A bad Host header is the visitor's error: no event, no breadcrumb.
    assert started["ignored"] == ["django.security.DisallowedHost"]


def test_without_sentry_dsn_sentry_is_never_imported(tmp_path):
    result = settings_process(
        tmp_path,
        """
        import sys, django
        django.setup()
        from django.test import Client
        Client().get("/robots.txt")
        print("sentry_sdk" in sys.modules)
        """,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
