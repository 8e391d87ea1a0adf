"""WSGI application for the tests through Varnish: the real site plus newsroom/tests/proxy_urls.py."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "newsroom.tests.proxy_urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
