"""A hanging database or mail server fails a request within seconds; a failed e-mail never fails a post."""

import logging
import runpy
import time
from pathlib import Path

import pytest
from django.test import Client

from articles.tests.factories import make_story
from comments.models import Comment
from comments.tests.factories import form_values

from .listeners import silent_listener

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "newsroom" / "settings.py"


def settings_for(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_postgresql_connections_have_connect_and_statement_timeouts(monkeypatch):
    built = settings_for(monkeypatch, DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom")
    options = built["DATABASES"]["default"]["OPTIONS"]
    assert options["connect_timeout"] == 3
    assert options["options"] == "-c statement_timeout=5000"


def test_postgresql_connections_notice_a_network_that_drops_everything(monkeypatch):
    built = settings_for(monkeypatch, DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom")
    options = built["DATABASES"]["default"]["OPTIONS"]
    assert options["tcp_user_timeout"] == 5000  # ms: unacknowledged data fails the connection
    assert (options["keepalives"], options["keepalives_idle"], options["keepalives_interval"]) == (1, 10, 2)
    assert options["keepalives_count"] == 3


def test_sqlite_busy_timeout_defaults_to_five_seconds_and_email_timeout_to_ten(monkeypatch):
    monkeypatch.delenv("SQLITE_BUSY_TIMEOUT", raising=False)
    monkeypatch.delenv("EMAIL_TIMEOUT", raising=False)
    built = settings_for(monkeypatch, DATABASE_URL="")
    assert built["DATABASES"]["default"]["OPTIONS"]["timeout"] == 5
    # The worker waits for the mail server, never a commenter (README "Mail").
    assert built["EMAIL_TIMEOUT"] == 10


def post_held_comment(story):
    visitor = Client()
    fields = {
        **form_values(visitor, visitor.get(story.get_absolute_url())),
        "text": "A first comment, held for a moderator.",
        "author_name": "Baek",
        "author_email": "baek@example.org",
    }
    return visitor.post(f"{story.get_absolute_url()}comments/", fields)


@pytest.fixture
def held_comments(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_HOLD_FIRST_COMMENTS = True
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@example.org"]
    return settings


@pytest.mark.django_db
def test_comment_post_with_a_silent_mail_server_is_acknowledged_within_the_email_timeout(
    held_comments, django_capture_on_commit_callbacks, caplog
):
    story = make_story()
    with silent_listener() as port:
        held_comments.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        held_comments.EMAIL_HOST, held_comments.EMAIL_PORT = "127.0.0.1", port
        held_comments.EMAIL_USE_TLS = False
        held_comments.EMAIL_TIMEOUT = 1
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.ERROR):
            response = post_held_comment(story)
        elapsed = time.monotonic() - started
    assert response.status_code == 303
    assert elapsed < 3
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "Could not e-mail moderators" in caplog.text


@pytest.mark.django_db
def test_any_failure_of_the_moderator_email_leaves_the_post_acknowledged(
    held_comments, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken_template(*args, **kwargs):
        raise RuntimeError("the e-mail template is broken")

    monkeypatch.setattr("comments.notifications.render_to_string", broken_template)
    story = make_story()
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.ERROR):
        response = post_held_comment(story)
    assert response.status_code == 303
    assert Comment.objects.get().text == "A first comment, held for a moderator."
    assert "the e-mail template is broken" in caplog.text
