"""The console e-mail backend, which says so when it stands in for a mail server in production.

Without EMAIL_HOST (or DJANGO_EMAIL_BACKEND) the settings choose the console: right for `make run`,
where the developer reads each mail in the terminal. With DEBUG off it means nobody receives the
mail and the log holds every message: commenters' addresses and the links that are their keys.
`manage.py check --deploy` warns of it beforehand (operations.checks, newsroom.W001); this backend
says it once more, at WARNING, when a process prints its first mail with DEBUG off.
"""

import logging
import threading

from django.conf import settings
from django.core.mail.backends import console

logger = logging.getLogger(__name__)


class ConsoleEmailBackend(console.EmailBackend):
    """Django's console backend; with DEBUG off, the first mail a process prints logs a WARNING first."""

    warned = threading.Event()

    def send_messages(self, email_messages):
        if email_messages and not settings.DEBUG and not self.warned.is_set():
            self.warned.set()
            logger.warning(
                "E-mail is printed on the console, not sent: DEBUG is off and no mail server is set. "
                'Nobody receives these messages; set EMAIL_HOST (README "Mail").'
            )
        return super().send_messages(email_messages)
