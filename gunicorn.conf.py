"""gunicorn's settings for Newsroom, read from the environment like newsroom/settings.py.

gunicorn loads ./gunicorn.conf.py from the folder it starts in (the project root), so
`gunicorn newsroom.wsgi` gets these; options on the command line still win.

Proxy trust: gunicorn believes `X-Forwarded-Proto: https` (and turns the request into an
HTTPS one) only from the addresses in `forwarded_allow_ips`. Its own default trusts
127.0.0.1, so anything on the same machine could pass a plain HTTP request off as HTTPS.
Here nothing is trusted unless DJANGO_BEHIND_HTTPS_PROXY=1 says a TLS proxy stands in
front; then the proxy's addresses come from FORWARDED_ALLOW_IPS (default: this machine), and
they may set the scheme only: no header sets SCRIPT_NAME.
"""

import os

# The web server reads no settings file unless NEWSROOM_ENV_FILE names one (newsroom/envfile.py): never the
# development `.env` that `make run` writes. Set here, before the master loads Django; the workers inherit it.
os.environ.setdefault("NEWSROOM_ENV_FILE", "")

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name):
    """True when the variable holds one of the words newsroom/settings.py reads as true."""
    return os.environ.get(name, "").strip().lower() in TRUE_WORDS


def env_whole_number(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number; got {raw!r}.") from None


# gunicorn's own rule when GUNICORN_BIND is unset: 0.0.0.0:$PORT if PORT is set, else 127.0.0.1:8000.
bind = [os.environ["GUNICORN_BIND"]] if os.environ.get("GUNICORN_BIND") else None
if bind is None:
    bind = [f"0.0.0.0:{os.environ['PORT']}"] if os.environ.get("PORT") else ["127.0.0.1:8000"]

# Processes: WEB_CONCURRENCY (the name hosting platforms set), as `make serve` always had.
workers = env_whole_number("WEB_CONCURRENCY", 3)
# Threads in each process: a request waiting on a slow database holds one thread, not the
# whole worker, so static files and cached pages keep being served beside it.
worker_class = "gthread"
threads = env_whole_number("GUNICORN_THREADS", 4)
# A request that takes longer than this is a hung worker: gunicorn restarts it.
timeout = env_whole_number("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5

if env_flag("DJANGO_BEHIND_HTTPS_PROXY"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    forwarded_allow_ips = ""
# Only the header Django reads (SECURE_PROXY_SSL_HEADER), not gunicorn's two other spellings.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# No header sets the WSGI environment, even from a trusted proxy: gunicorn's default takes
# `SCRIPT_NAME: /a` as the mount point, and Varnish passes a visitor's headers through, so
# `GET /a/readyz` would reach Django as /readyz past the proxy's rule. The site is mounted at /.
forwarder_headers = ""

# gunicorn 25+ opens a control socket at $HOME/.gunicorn/gunicorn.ctl by default: a second
# server of the same user (another site, a test run) would take it over. Nothing here uses it.
control_socket_disable = True

# One line per request on stdout (GUNICORN_ACCESS_LOG: a file, or empty when the proxy logs
# requests already); the log level from LOG_LEVEL like Django's.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def on_starting(server):
    """Load the Korean analyser in the master, before the workers fork.

    Kiwi's model takes about 340 MB and 1 s to load (measured on this machine); loaded
    here, the forked workers share its memory copy-on-write (about 21 MB each of their
    own, against 345 MB when each loads it) and answer their first Korean search at once.
    Nothing else of Django is used here: no database connection is opened.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from articles.korean import warm_up

    warm_up()  # nothing when NEWSROOM_KOREAN_ANALYSER=off
