"""WSGI entry point, used by gunicorn (`make serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# A web server reads no settings file unless NEWSROOM_ENV_FILE names one: never the development `.env`.
os.environ.setdefault("NEWSROOM_ENV_FILE", "")

application = get_wsgi_application()
