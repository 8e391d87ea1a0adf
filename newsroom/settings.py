"""Settings for Newsroom, read from the environment.

One module for every deployment: each knob is an environment variable with a
default that works on a laptop (SQLite, local-memory cache, console e-mail, a task
queue in the database).
The README lists them all. Production mode (DJANGO_DEBUG off, the default)
refuses to start without a strong secret key, allowed hosts and the site's address.
A file of such variables is read first when there is one (newsroom/envfile.py).
"""

import datetime as dt
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from newsroom.envfile import read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

# Before anything below reads the environment: the development `.env` that `make run` writes (read
# by manage.py unless DJANGO_DEBUG=0 is set), or the file NEWSROOM_ENV_FILE names (newsroom/envfile.py).
ENV_FILE = read_env_file(BASE_DIR / ".env")

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_float(name, default):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number; got {raw!r}.") from None


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if DEBUG:
    # A development key only: sessions signed with it are worthless anywhere else.
    SECRET_KEY = SECRET_KEY or "django-insecure-newsroom-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production mode (DJANGO_DEBUG=0) needs a long random "
            "secret key; for development set DJANGO_DEBUG=1."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. Production mode (DJANGO_DEBUG=0) needs the comma-"
            "separated host names the site answers to; for development set DJANGO_DEBUG=1."
        )


# Production refuses a guessable secret key: the thresholds are those of Django's own deploy
# check (security.W009), so a site that starts never gets that warning.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 5
if not DEBUG and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_DISTINCT
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak: production mode (DJANGO_DEBUG=0) needs at least "
        f"{SECRET_KEY_MIN_LENGTH} characters with at least {SECRET_KEY_MIN_DISTINCT} different ones, not "
        f"starting with 'django-insecure-'. Make one with: "
        f'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A refused form comes back in the site's design and language, with the visitor's comment kept.
CSRF_FAILURE_VIEW = "resilience.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    # Story revisions: every admin save and import kept, diffed and restorable (README "Revisions").
    "reversion",
    # Renditions of photos (srcset widths, card, share image), generated when a photo is saved.
    "imagekit",
    # The photo library; articles depends on it (a story's lead photo), never the other way.
    "photos",
    # The story body's editor in admin, its script and styles from static/ (README "Story bodies").
    "django_prose_editor",
    "articles",
    "comments",
    "resilience",
    # Backups and restores, the load balancer's health probes, the request log (README "Operations").
    "operations",
    # Admin login throttling (see "Login throttling" below).
    "axes",
    # Background tasks (e-mail): Django's tasks API, and its database queue (see "Tasks" below).
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer before the Host check and the HTTPS redirect (README "Operations").
    "operations.middleware.HealthProbeMiddleware",
    # A request id on every log line, echoed in X-Request-ID, and one line per request (README "Operations").
    "operations.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, cached story pages too (see "Content-Security-Policy").
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files never wait for the database), before anything that reads it.
    "resilience.middleware.DatabaseOutageMiddleware",
    # Reader pages from the cache, ahead of the session, auth and messages (README "Caching"): a hit
    # costs the version query, watched by the outage middleware, which a copy answers in an outage.
    "articles.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Inside LocaleMiddleware: a 404 of an old WordPress address (even `/?p=10`) becomes its 301 first.
    "articles.old_addresses.OldAddressRedirectMiddleware",
    "resilience.middleware.RefuseNulCharacterMiddleware",
    "resilience.middleware.RefuseBadAdminSelectionMiddleware",
    "resilience.admin_queries.RefuseBadAdminFilterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
                "articles.context_processors.languages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"


# Database: SQLite by default, anything dj-database-url understands otherwise.
# SQLite runs in WAL mode and takes its write lock at BEGIN (IMMEDIATE), so
# concurrent writers queue on the busy timeout instead of failing with
# "database is locked" halfway through a transaction.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")

if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Reused like a server connection: opening one costs more than a page from the cache.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 5),
            },
        }
    }

# Outages: a database that hangs fails the request within seconds (README "When things fail").
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    DATABASES["default"]["OPTIONS"].setdefault("options", f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}")
    # A network that drops everything: unacknowledged data fails the connection after 5 s, an idle one is
    # probed after 10 s. A peer that acknowledges and never answers: resilience.query_watchdog.
    for option, value in {
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 5000,
    }.items():
        DATABASES["default"]["OPTIONS"].setdefault(option, value)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Cache: Redis when REDIS_URL is set (shared by every gunicorn worker and
# instance), otherwise a per-process local-memory cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "newsroom")

if REDIS_URL:
    CACHES = {
        "default": {
            # A down or hanging Redis is a cache miss, never an error page (README "When things fail").
            "BACKEND": "resilience.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
                "socket_timeout": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 4.0 2.1.1: passwords of at least 12 characters.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Internationalisation. Stories store UTC and show each outlet's own zone;
# TIME_ZONE only sets what the admin shows.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True


# Static files: served by WhiteNoise; compressed and hashed outside DEBUG.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

# Uploads (photos and their renditions): through Django's storage API, MEDIA_ROOT by default;
# NEWSROOM_MEDIA_STORAGE names another backend (django-storages' S3 one, say) with its OPTIONS as
# JSON. WhiteNoise serves static files only: see README "Photos" for how /media/ is served.
MEDIA_ROOT = Path(os.environ.get("NEWSROOM_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = os.environ.get("NEWSROOM_MEDIA_URL", "/media/")
MEDIA_STORAGE = os.environ.get("NEWSROOM_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")
try:
    MEDIA_STORAGE_OPTIONS = json.loads(os.environ.get("NEWSROOM_MEDIA_STORAGE_OPTIONS", "") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"NEWSROOM_MEDIA_STORAGE_OPTIONS must be a JSON object: {error}") from None
if not isinstance(MEDIA_STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured('NEWSROOM_MEDIA_STORAGE_OPTIONS must be a JSON object, such as {"bucket_name": "x"}.')
# Django itself answers /media/ (photos.views.media_file) in development and `make serve`; production
# leaves it to the web server or the object store.
NEWSROOM_SERVE_MEDIA = env_bool("NEWSROOM_SERVE_MEDIA", DEBUG)

STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# E-mail: printed on the console (the default), written to files for development and tests,
# or sent by SMTP. Never sent inside a web request: a task sends it (see "Tasks" below). With DEBUG
# off the console is a mistake: `check --deploy` warns (newsroom.W001), and so does the first mail.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKENDS = {
    "console": "operations.mail.ConsoleEmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
# Unset: SMTP when an EMAIL_HOST is given (as before DJANGO_EMAIL_BACKEND existed), else console.
EMAIL_BACKEND_NAME = os.environ.get("DJANGO_EMAIL_BACKEND", "").strip().lower() or ("smtp" if EMAIL_HOST else "console")
if EMAIL_BACKEND_NAME not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}; got {EMAIL_BACKEND_NAME!r}."
    )
EMAIL_BACKEND = EMAIL_BACKENDS[EMAIL_BACKEND_NAME]
if EMAIL_BACKEND_NAME == "smtp" and not EMAIL_HOST:
    EMAIL_HOST = "localhost"
# The file backend writes one file per connection (each task's message) into this folder.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds an SMTP server may take to answer; then that attempt fails and the task tries again later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# Tasks (django-tasks, the backport of Django 6's tasks API). "database": a queue in the site's
# own database, run by `manage.py db_worker` (`make run` and `make serve` start one beside the web
# server), so nothing else needs to run. "immediate": run at once, in the process that enqueues
# (the tests). Anything else is the dotted path of a backend class, such as the RQ backend on Redis
# at scale (README "Mail"). A mail that fails is tried again after NEWSROOM_MAIL_RETRY_SECONDS,
# doubling each time, NEWSROOM_MAIL_ATTEMPTS times in all (comments/mail.py).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND_NAME = os.environ.get("DJANGO_TASKS_BACKEND", "").strip() or "database"
if TASKS_BACKEND_NAME not in TASK_BACKENDS and "." not in TASKS_BACKEND_NAME:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND must be database, immediate or the dotted path of a task backend; "
        f"got {TASKS_BACKEND_NAME!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND_NAME, TASKS_BACKEND_NAME), "QUEUES": ["default"]}}
NEWSROOM_MAIL_ATTEMPTS = env_int("NEWSROOM_MAIL_ATTEMPTS", 6)
NEWSROOM_MAIL_RETRY_SECONDS = env_int("NEWSROOM_MAIL_RETRY_SECONDS", 60)
# A task RUNNING longer than this was abandoned by a worker that died: `requeue_abandoned_tasks`
# puts it back in the queue (comments/task_queue.py). A mail task lasts a few EMAIL_TIMEOUTs.
NEWSROOM_TASK_LEASE_MINUTES = env_int("NEWSROOM_TASK_LEASE_MINUTES", 15)


# Readiness (/readyz, operations/health.py): the checks that must pass, and how long a task due to run may
# wait in the database queue while no worker starts one before the site is not ready.
READY_CHECK_NAMES = ("database", "cache", "queue")
NEWSROOM_READY_CHECKS = env_list("NEWSROOM_READY_CHECKS", READY_CHECK_NAMES)
if not set(NEWSROOM_READY_CHECKS) <= set(READY_CHECK_NAMES):
    raise ImproperlyConfigured(
        f"NEWSROOM_READY_CHECKS must list some of {', '.join(READY_CHECK_NAMES)}; got {NEWSROOM_READY_CHECKS!r}."
    )
NEWSROOM_READY_QUEUE_MINUTES = env_int("NEWSROOM_READY_QUEUE_MINUTES", 10)


# Security headers that cost nothing in development and matter in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_HTTPS_PROXY", False) else None
    )
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE


# HTTPS: redirect plain HTTP, and Strict-Transport-Security once the site is known to work on
# HTTPS. HSTS is off unless asked for: browsers remember it for DJANGO_HSTS_SECONDS, and
# preloading is a promise to browsers' built-in lists that is slow to take back.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)


# Content-Security-Policy (django-csp 4): only the site's own scripts, styles, images and fonts;
# no inline script or style, no plug-ins, no framing, forms post to the site only. The
# JSON-LD block of story pages is a data block (type="application/ld+json"): browsers do not
# run it, so script-src does not apply to it and it needs no nonce (a nonce would be stored in
# the page cache and served to every reader). img-src allows data: for Bootstrap's and the
# admin's inline SVG icons in CSS. frame-src: the players of YouTube (nocookie) and Vimeo, which
# static/js/video.js puts in a story page when the reader presses play (README "Video").
# Photos served from another origin (an object store, a CDN: NEWSROOM_MEDIA_ORIGIN, or the origin of an
# absolute NEWSROOM_MEDIA_URL) are images of our pages too.
MEDIA_ORIGINS = env_list("NEWSROOM_MEDIA_ORIGIN")
if not MEDIA_ORIGINS and urlsplit(MEDIA_URL).scheme in ("http", "https"):
    MEDIA_ORIGINS = [f"{urlsplit(MEDIA_URL).scheme}://{urlsplit(MEDIA_URL).netloc}"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # A story's video, after the reader presses play: the two privacy-enhanced players only.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    },
}


# Login throttling (django-axes 8): five failed logins for one username from one address lock
# that pair for 15 minutes (OWASP ASVS 4.0 2.2.1); another address, or another username,
# can still log in. The address is the one the comments use (comments.addresses.client_ip),
# so it follows NEWSROOM_TRUST_X_FORWARDED_FOR behind a proxy. Superusers unlock a pair by
# deleting its access attempt in the admin (README, "Security").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "comments.addresses.client_ip"
AXES_LOCKOUT_CALLABLE = "resilience.lockout.lockout_response"


CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


# Newsroom's own knobs.
NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
NEWSROOM_STORIES_PER_PAGE = env_int("NEWSROOM_STORIES_PER_PAGE", 20)
NEWSROOM_FEED_ITEMS = env_int("NEWSROOM_FEED_ITEMS", 20)
# Featured stories an editor may pin to the front page under the lead (articles.FrontPagePin).
NEWSROOM_FEATURED_STORIES = env_int("NEWSROOM_FEATURED_STORIES", 4)
# Reader pages for visitors without personal cookies are served from the cache for this long at most,
# while nothing moved their version (0: no page cache, and no page is public); README "Caching".
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 600)
# The newest copy of each cached page is kept this long, to serve while the database is down.
NEWSROOM_OUTAGE_PAGE_SECONDS = env_int("NEWSROOM_OUTAGE_PAGE_SECONDS", 86400)
# Cache-Control of those pages: browsers keep them this long (nobody purges a browser: short)...
NEWSROOM_CACHE_MAX_AGE = env_int("NEWSROOM_CACHE_MAX_AGE", 60)
# ...a shared proxy this long (ours is purged by story on every change: this bounds a lost purge)...
NEWSROOM_CACHE_S_MAXAGE = env_int("NEWSROOM_CACHE_S_MAXAGE", 300)
# ...and either may answer with an expired copy this long while it fetches the new one.
NEWSROOM_CACHE_STALE_WHILE_REVALIDATE = env_int("NEWSROOM_CACHE_STALE_WHILE_REVALIDATE", 30)

# Photos (README "Photos"): an upload over either limit is refused with a message at the field; the
# pixel count is read from the file's header before any pixel is decoded (decompression bombs).
NEWSROOM_PHOTO_MAX_BYTES = env_int("NEWSROOM_PHOTO_MAX_BYTES", 20 * 1024 * 1024)
NEWSROOM_PHOTO_MAX_PIXELS = env_int("NEWSROOM_PHOTO_MAX_PIXELS", 40_000_000)
# Renditions are made when a photo is saved (photos.renditions.OnSave); a page asks neither the
# database nor the storage whether they exist. `manage.py generate_renditions` makes them again.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "photos.renditions.OnSave"
IMAGEKIT_CACHEFILE_DIR = "renditions"

# Search: Korean words also match their stem without particles through Kiwi (about 340 MB per
# server, shared by forked workers), or "off" where memory is short (articles/korean.py).
NEWSROOM_KOREAN_ANALYSER = os.environ.get("NEWSROOM_KOREAN_ANALYSER", "kiwi")


# Comments: the defaults are documented in the README.
COMMENTS_MAX_DEPTH = env_int("NEWSROOM_COMMENTS_MAX_DEPTH", 5)
COMMENTS_PER_PAGE = env_int("NEWSROOM_COMMENTS_PER_PAGE", 50)
COMMENTS_CLOSE_AFTER_DAYS = env_int("NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS", 0)
COMMENTS_FLOOD_SECONDS = env_int("NEWSROOM_COMMENTS_FLOOD_SECONDS", 15)
COMMENTS_MIN_SECONDS = env_int("NEWSROOM_COMMENTS_MIN_SECONDS", 3)
COMMENTS_FORM_MAX_AGE_HOURS = env_int("NEWSROOM_COMMENTS_FORM_MAX_AGE_HOURS", 48)
COMMENTS_MAX_LINKS = env_int("NEWSROOM_COMMENTS_MAX_LINKS", 1)
COMMENTS_HOLD_FIRST_COMMENTS = env_bool("NEWSROOM_COMMENTS_HOLD_FIRST_COMMENTS", True)
COMMENTS_MODERATION_KEYWORDS = env_list("NEWSROOM_COMMENTS_MODERATION_KEYWORDS")
COMMENTS_BLOCKED_KEYWORDS = env_list("NEWSROOM_COMMENTS_BLOCKED_KEYWORDS")
COMMENTS_BLOCKED_EMAILS = env_list("NEWSROOM_COMMENTS_BLOCKED_EMAILS")
COMMENTS_BLOCKED_IPS = env_list("NEWSROOM_COMMENTS_BLOCKED_IPS")
COMMENTS_REPORTS_TO_HOLD = env_int("NEWSROOM_COMMENTS_REPORTS_TO_HOLD", 3)
COMMENTS_HELD_VISIBLE_HOURS = env_int("NEWSROOM_COMMENTS_HELD_VISIBLE_HOURS", 24)
# Its author may edit or withdraw a comment from the browser it was posted from for this many minutes
# after posting (comments/editing.py); 0 turns editing off.
COMMENTS_EDIT_MINUTES = env_int("NEWSROOM_COMMENTS_EDIT_MINUTES", 15)
COMMENTS_KEEP_IP_DAYS = env_int("NEWSROOM_COMMENTS_KEEP_IP_DAYS", 30)
COMMENTS_MODERATOR_EMAILS = env_list("NEWSROOM_COMMENTS_MODERATOR_EMAILS")
# Reply notifications (comments/subscriptions.py): replies approved within this many minutes of the
# first go into one mail per subscriber and thread; one confirmation mail per address per N hours;
# a confirmation link works this many days, and unconfirmed addresses are purged after it.
COMMENTS_NOTIFY_BATCH_MINUTES = env_int("NEWSROOM_COMMENTS_NOTIFY_BATCH_MINUTES", 60)
COMMENTS_CONFIRMATION_EVERY_HOURS = env_int("NEWSROOM_COMMENTS_CONFIRMATION_EVERY_HOURS", 24)
COMMENTS_CONFIRMATION_DAYS = env_int("NEWSROOM_COMMENTS_CONFIRMATION_DAYS", 7)
# A commenter's data (comments/commenter_data.py): at most one e-mailed link per address in this time.
COMMENTS_DATA_LINK_EVERY_MINUTES = env_int("NEWSROOM_COMMENTS_DATA_LINK_EVERY_MINUTES", 60)
# The hours moderators work, in each story's outlet's zone ("07:00-23:00"; empty: always), and what
# happens to new comments outside them: "hold" them for the morning, or "close" the form.
COMMENTS_STAFFED_HOURS = os.environ.get("NEWSROOM_COMMENTS_STAFFED_HOURS", "").strip()
if COMMENTS_STAFFED_HOURS and not re.fullmatch(
    r"([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d", COMMENTS_STAFFED_HOURS
):
    raise ImproperlyConfigured(
        f"NEWSROOM_COMMENTS_STAFFED_HOURS must be two 24-hour times (07:00-23:00); got {COMMENTS_STAFFED_HOURS!r}."
    )
COMMENTS_OUTSIDE_HOURS = os.environ.get("NEWSROOM_COMMENTS_OUTSIDE_HOURS", "hold").strip().lower() or "hold"
if COMMENTS_OUTSIDE_HOURS not in ("hold", "close"):
    raise ImproperlyConfigured(
        f"NEWSROOM_COMMENTS_OUTSIDE_HOURS must be hold or close; got {COMMENTS_OUTSIDE_HOURS!r}."
    )
# Where a commenter writes to appeal a moderation decision (the privacy page says so).
COMMENTS_APPEALS_EMAIL = os.environ.get("NEWSROOM_COMMENTS_APPEALS_EMAIL", "").strip() or DEFAULT_FROM_EMAIL
# Behind a proxy, the client address is the last hop it appended to X-Forwarded-For.
COMMENTS_TRUST_X_FORWARDED_FOR = env_bool("NEWSROOM_TRUST_X_FORWARDED_FOR", False)
SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "").strip().rstrip("/") or ("http://127.0.0.1:8000" if DEBUG else "")


# The site's own address (moderator e-mail links): required in production, an http(s) origin.
def is_http_origin(url):
    """True when `url` (str) is scheme, host and optional port only, such as https://news.example.org."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when the port is not a number
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not (parts.username or parts.password or parts.path or parts.query or parts.fragment)
    )


if not SITE_URL:
    raise ImproperlyConfigured(
        "NEWSROOM_SITE_URL is not set. Production mode (DJANGO_DEBUG=0) needs the site's public "
        "address, such as https://news.example.org, for the links in moderators' e-mails."
    )
if not is_http_origin(SITE_URL):
    raise ImproperlyConfigured(
        f"NEWSROOM_SITE_URL must be an http(s) origin such as https://news.example.org "
        f"(scheme and host, optionally a port; no path, query or user name); got {SITE_URL!r}."
    )

# The caching proxies in front (Varnish, deploy/varnish/newsroom.vcl): each gets one BAN naming the
# changed stories after every commit that changed a page (articles/purge.py). Empty: nothing is sent.
NEWSROOM_PURGE_URLS = env_list("NEWSROOM_PURGE_URLS")
for purge_url in NEWSROOM_PURGE_URLS:
    if not is_http_origin(purge_url):
        raise ImproperlyConfigured(
            f"NEWSROOM_PURGE_URLS must be comma-separated http(s) origins such as http://127.0.0.1:6081; "
            f"got {purge_url!r}."
        )
# Seconds each BAN may take before it is given up (logged; the proxy's copy expires after its s-maxage).
NEWSROOM_PURGE_TIMEOUT = env_float("NEWSROOM_PURGE_TIMEOUT", 0.5)


# Logs on the console (stderr): plain lines, or JSON lines with LOG_FORMAT=json; each line of a request
# carries its id, and each request gets one line of its own on `operations.requests` (operations/logs.py).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower() or "plain"
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json; got {LOG_FORMAT!r}.")
# Django's warnings of a 4xx name the path: a link that is a key (a commenter's data, a subscription) is
# written as its URL pattern (operations/private_paths.py). A bad Host header (scanners send them all day)
# is one WARNING line, not an ERROR with a traceback: the request's own line already says 400.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "operations.logs.RequestIdFilter"},
        "secret_paths": {"()": "operations.logs.SecretPathFilter"},
        "one_line_warning": {"()": "operations.logs.OneLineWarningFilter"},
    },
    "formatters": {
        "plain": {"()": "operations.logs.PlainFormatter"},
        "json": {"()": "operations.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"filters": ["secret_paths"]},
        "django.security.csrf": {"filters": ["secret_paths"]},
        "django.security.DisallowedHost": {"filters": ["one_line_warning"]},
    },
}


# Errors to Sentry when SENTRY_DSN is set (sentry-sdk is optional: requirements-sentry.txt). Nothing personal
# goes with them: no addresses, cookies or users (send_default_pii), no request bodies (comments, e-mail
# addresses), no local variables of the failing code, no key in a URL (operations/sentry.py). A bad Host
# header is no event (the visitor's error, not the site's).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: .venv/bin/pip install -r requirements-sentry.txt "
            "(or unset SENTRY_DSN)."
        ) from None
    from operations.sentry import scrub_event as scrub_sentry_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "").strip() or ("development" if DEBUG else "production"),
        release=os.environ.get("SENTRY_RELEASE", "").strip() or None,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", None),
        before_send=scrub_sentry_event,
        before_send_transaction=scrub_sentry_event,
    )
    from sentry_sdk.integrations.logging import ignore_logger

    ignore_logger("django.security.DisallowedHost")
