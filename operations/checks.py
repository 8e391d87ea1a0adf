"""Newsroom's own system checks, run by `manage.py check` (README "Operations").

| id | deploy only | what |
| --- | --- | --- |
| newsroom.W001 | yes | DEBUG is off and e-mail goes to the console or local-memory backend: nobody receives it |

Registered by OperationsConfig.ready(). Number new ones on from the last in this table.
"""

from django.conf import settings
from django.core import checks
from django.core.mail.backends import console, filebased, locmem
from django.utils.module_loading import import_string

MAIL_NOWHERE = {
    console.EmailBackend: "the console backend: every mail, with commenters' addresses and the links that are "
    "their keys, is written to the log",
    locmem.EmailBackend: "the local-memory backend: every mail is kept in the process's memory and lost",
}


@checks.register("mail", deploy=True)
def check_mail_is_sent(app_configs=None, **kwargs):
    """newsroom.W001 when DEBUG is off and EMAIL_BACKEND is (a subclass of) Django's console or
    local-memory backend, as when no EMAIL_HOST is set. Returns a list of checks.Warning."""
    if settings.DEBUG:
        return []
    try:
        backend = import_string(settings.EMAIL_BACKEND)
    except ImportError:
        return []  # Django says so itself at the first mail; nothing here to add
    if not isinstance(backend, type) or issubclass(backend, filebased.EmailBackend):
        return []  # the file backend is the console's subclass, and chosen on purpose (DJANGO_EMAIL_BACKEND=file)
    for kind, what in MAIL_NOWHERE.items():
        if issubclass(backend, kind):
            return [
                checks.Warning(
                    f"DEBUG is off and e-mail goes to {what}; nobody receives it.",
                    hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL) "
                    'to send by SMTP, or DJANGO_EMAIL_BACKEND=file for a test site (README "Mail").',
                    id="newsroom.W001",
                )
            ]
    return []
