"""Which file of settings to read into the environment before newsroom/settings.py reads it (python-dotenv).

So that after `make run` a newcomer's `python manage.py …` works without typing DJANGO_DEBUG=1:
`make run` writes the project's `.env` (git-ignored) and this reads it. The rules, in order:

1. `NEWSROOM_ENV_FILE=/path` names the file: it is read, in any mode; a missing file is an error.
   `NEWSROOM_ENV_FILE=` (empty) reads no file at all: newsroom/wsgi.py, asgi.py and
   gunicorn.conf.py set it so unless it is given, so a web server never reads the project's `.env`.
2. `DJANGO_DEBUG` set to a false word (0, false, no, off, empty) in the environment: no file is read.
3. Otherwise the project's `.env`, when there is one, is read, and it must leave development
   mode on (DJANGO_DEBUG=1 in it or in the environment): the project's `.env` is never read in
   production; a production file is named with NEWSROOM_ENV_FILE.

A variable already in the environment always wins over the file's. Standard library and
python-dotenv only: this runs before Django is set up.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values

FALSE_WORDS = {"0", "false", "no", "off", ""}
TRUE_WORDS = {"1", "true", "yes", "on"}


def env_file_to_read(default_path, environ):
    """(Path or None, named): the file to read for `environ` (a mapping) and whether NEWSROOM_ENV_FILE named it."""
    named = environ.get("NEWSROOM_ENV_FILE")
    if named is not None:
        named = named.strip()
        return (Path(os.path.expanduser(named)), True) if named else (None, False)
    debug = environ.get("DJANGO_DEBUG")
    if debug is not None and debug.strip().lower() in FALSE_WORDS:
        return None, False
    return (Path(default_path), False) if Path(default_path).is_file() else (None, False)


def read_env_file(default_path, environ=os.environ):
    """Add the variables of the file `env_file_to_read` chooses to `environ` (those not set there already).

    Returns the Path read, or None. Raises ImproperlyConfigured for a named file that is
    missing or unreadable, and for a project `.env` that would leave production mode on.
    """
    path, named = env_file_to_read(default_path, environ)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as stream:
            values = dotenv_values(stream=stream)
    except (OSError, UnicodeDecodeError) as error:
        raise ImproperlyConfigured(f"NEWSROOM_ENV_FILE={path} cannot be read: {error}") from None
    values = {key: value for key, value in values.items() if value is not None}
    if not named:
        debug = environ.get("DJANGO_DEBUG", values.get("DJANGO_DEBUG", ""))
        if debug.strip().lower() not in TRUE_WORDS:
            raise ImproperlyConfigured(
                f"{path} is read in development only, and it does not set DJANGO_DEBUG=1. Add that line to it "
                f"(make run writes it so), name a production file with NEWSROOM_ENV_FILE=/path, or set "
                f"DJANGO_DEBUG=0 in the environment to leave {path.name} unread."
            )
    for key, value in values.items():
        environ.setdefault(key, value)
    return path
