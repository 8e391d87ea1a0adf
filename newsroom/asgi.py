"""ASGI entry point, for servers that speak ASGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# A web server reads no settings file unless NEWSROOM_ENV_FILE names one: never the development `.env`.
os.environ.setdefault("NEWSROOM_ENV_FILE", "")

application = get_asgi_application()
