"""newsroom.W001: with DEBUG off, mail printed on the console (or kept in memory) reaches nobody; and the
console backend says so at its first mail."""

import logging

import pytest
from django.core import checks, mail

from operations import mail as console_mail
from operations.checks import check_mail_is_sent


@pytest.mark.parametrize(
    "backend",
    [
        "operations.mail.ConsoleEmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_mail_to_the_console_or_memory_with_debug_off_is_a_deploy_warning(settings, backend):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend

    (warning,) = check_mail_is_sent()

    assert warning.id == "newsroom.W001"
    assert warning.level == checks.WARNING
    assert "nobody receives it" in warning.msg
    assert "EMAIL_HOST" in warning.hint


@pytest.mark.parametrize(
    ("debug", "backend"),
    [
        (True, "operations.mail.ConsoleEmailBackend"),
        (False, "django.core.mail.backends.smtp.EmailBackend"),
        (False, "django.core.mail.backends.filebased.EmailBackend"),
    ],
)
def test_a_mail_server_or_development_mode_is_no_warning(settings, debug, backend):
    settings.DEBUG = debug
    settings.EMAIL_BACKEND = backend

    assert check_mail_is_sent() == []


def test_the_check_runs_with_the_deploy_checks_only(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "operations.mail.ConsoleEmailBackend"

    deploy = checks.run_checks(include_deployment_checks=True, tags=["mail"])

    assert [issue.id for issue in deploy] == ["newsroom.W001"]
    assert checks.run_checks(include_deployment_checks=False, tags=["mail"]) == []


@pytest.fixture
def console_backend(settings, monkeypatch):
    """The console backend, as if no mail had been printed by this process yet."""
    settings.EMAIL_BACKEND = "operations.mail.ConsoleEmailBackend"
    monkeypatch.setattr(console_mail.ConsoleEmailBackend, "warned", console_mail.threading.Event())


def test_the_first_mail_printed_with_debug_off_logs_one_warning(settings, console_backend, caplog, capsys):
    settings.DEBUG = False

    with caplog.at_level(logging.WARNING, logger="operations.mail"):
        mail.send_mail("First", "Body one", "site@example.org", ["ann@example.org"])
        mail.send_mail("Second", "Body two", "site@example.org", ["bob@example.org"])

    (warning,) = [record for record in caplog.records if record.name == "operations.mail"]
    assert warning.levelno == logging.WARNING
    assert "E-mail is printed on the console, not sent" in warning.getMessage()
    printed = capsys.readouterr().out
    assert "Subject: First" in printed and "Subject: Second" in printed


def test_mail_printed_in_development_logs_no_warning(settings, console_backend, caplog, capsys):
    settings.DEBUG = True

    with caplog.at_level(logging.WARNING, logger="operations.mail"):
        mail.send_mail("First", "Body one", "site@example.org", ["ann@example.org"])

    assert [record for record in caplog.records if record.name == "operations.mail"] == []
    assert "Subject: First" in capsys.readouterr().out
