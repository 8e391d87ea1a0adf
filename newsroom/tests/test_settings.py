"""Settings are read from the environment; each case runs a fresh interpreter."""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "options": db.get("OPTIONS", {}),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "email_file_path": str(settings.EMAIL_FILE_PATH),
    "email_timeout": settings.EMAIL_TIMEOUT,
    "tasks": settings.TASKS["default"]["BACKEND"],
    "hosts": settings.ALLOWED_HOSTS,
}))
"""

CONFIG_VARIABLES = [
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_HOST",
    "DJANGO_EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "EMAIL_TIMEOUT",
    "EMAIL_HOST_USER",
    "DEFAULT_FROM_EMAIL",
    # pyproject.toml sets it for the tests (tasks run at once); the default is the database queue.
    "DJANGO_TASKS_BACKEND",
    "SQLITE_PATH",
    "NEWSROOM_SITE_URL",
    "DJANGO_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_HSTS_PRELOAD",
    "DJANGO_BEHIND_HTTPS_PROXY",
    "NEWSROOM_TRUST_X_FORWARDED_FOR",
    # conftest.py sets it for Playwright; the deploy check rightly refuses it in production.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    # The developer's `.env` (make run writes one) must not change what these tests see.
    "NEWSROOM_ENV_FILE",
]

# A key as `make serve` makes one (secrets.token_urlsafe(50)): long, many different characters.
STRONG_KEY = "Qm3v9Zr0bK7wXy2Lp5Nd8Hs1Tg4Fc6Jq-Ue_Va0Wb9Xc8Yd7Ze6Af5Bg4Ch3Di2Ej1"
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "news.example",
    "NEWSROOM_SITE_URL": "https://news.example",
}


def run_python(*args, **env):
    """`python ARGS` in the project folder, with only the configuration given here."""
    clean = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    clean["NEWSROOM_ENV_FILE"] = ""
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def settings_with(**env):
    result = run_python("-c", PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_mode_is_the_default_and_refuses_to_start_without_a_secret_key():
    result = run_python("-c", PRINT_SETTINGS, DJANGO_ALLOWED_HOSTS="news.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = run_python("-c", PRINT_SETTINGS, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_production_mode_with_key_and_hosts_uses_hashed_compressed_static_files():
    values = settings_with(**{**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "a.example, b.example"})
    assert values["debug"] is False
    assert values["hosts"] == ["a.example", "b.example"]
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_misspelt_boolean_is_refused():
    result = run_python("-c", PRINT_SETTINGS, DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_default_is_sqlite_in_wal_mode_with_immediate_transactions_and_a_busy_timeout():
    values = settings_with(DJANGO_DEBUG="1")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert "PRAGMA journal_mode=WAL" in values["options"]["init_command"]
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert values["options"]["timeout"] >= 5
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email"] == "operations.mail.ConsoleEmailBackend"  # Django's, warning outside DEBUG


def test_sqlite_file_really_runs_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    result = run_python("-c", code, DJANGO_DEBUG="1", SQLITE_PATH=str(tmp_path / "wal.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def test_database_url_selects_postgresql():
    values = settings_with(DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom")
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "newsroom"


def test_redis_url_selects_the_redis_cache():
    values = settings_with(DJANGO_DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/2")
    assert values["cache"] == "resilience.cache.FailSafeRedisCache"  # a RedisCache whose outages are misses
    assert values["cache_location"] == "redis://127.0.0.1:6379/2"


def test_email_host_selects_smtp():
    values = settings_with(DJANGO_DEBUG="1", EMAIL_HOST="smtp.example")
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_mail_is_printed_on_the_console_within_ten_seconds_and_queued_in_the_database_by_default():
    values = settings_with(DJANGO_DEBUG="1")
    assert values["email"] == "operations.mail.ConsoleEmailBackend"  # Django's, warning outside DEBUG
    assert values["email_timeout"] == 10
    assert values["tasks"] == "django_tasks_db.DatabaseBackend"


def test_file_email_backend_writes_into_sent_mail_or_the_given_folder():
    values = settings_with(DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND="file")
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["email_file_path"] == str(ROOT / "sent-mail")
    values = settings_with(DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND="file", EMAIL_FILE_PATH="/tmp/newsroom-mail")
    assert values["email_file_path"] == "/tmp/newsroom-mail"


def test_smtp_email_backend_without_a_host_sends_to_this_machine():
    values = settings_with(DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND="smtp")
    assert (values["email"], values["email_host"]) == ("django.core.mail.backends.smtp.EmailBackend", "localhost")


def test_a_misspelt_email_backend_is_refused():
    result = run_python("-c", PRINT_SETTINGS, DJANGO_DEBUG="1", DJANGO_EMAIL_BACKEND="smpt")
    assert result.returncode != 0
    assert "DJANGO_EMAIL_BACKEND must be one of console, file, smtp; got 'smpt'" in result.stderr


def test_tasks_backend_is_chosen_by_name_or_dotted_path():
    assert settings_with(DJANGO_DEBUG="1", DJANGO_TASKS_BACKEND="immediate")["tasks"] == (
        "django_tasks.backends.immediate.ImmediateBackend"
    )
    # At scale, the RQ backend's path (django_tasks_rq.RQBackend) once it is installed; here one that is.
    dummy = "django_tasks.backends.dummy.DummyBackend"
    assert settings_with(DJANGO_DEBUG="1", DJANGO_TASKS_BACKEND=dummy)["tasks"] == dummy
    result = run_python("-c", PRINT_SETTINGS, DJANGO_DEBUG="1", DJANGO_TASKS_BACKEND="redis")
    assert result.returncode != 0
    assert "DJANGO_TASKS_BACKEND must be database, immediate or the dotted path" in result.stderr


def test_configured_cache_stores_and_returns_values():
    """Against whatever cache this run uses: Redis in CI's second pass."""
    cache.set("settings-test-key", {"headline": "캐시"}, 30)
    assert cache.get("settings-test-key") == {"headline": "캐시"}
    cache.delete("settings-test-key")
    assert cache.get("settings-test-key") is None


@pytest.mark.django_db
def test_configured_database_accepts_korean_text():
    from articles.tests.factories import make_story

    story = make_story(headline_ko="우크라이나 관련 기사")
    story.refresh_from_db()
    assert story.headline_ko == "우크라이나 관련 기사"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """What `collectstatic` writes in production mode, as `make serve` runs it."""
    root = tmp_path_factory.mktemp("static")
    result = run_python(
        "manage.py",
        "collectstatic",
        "--noinput",
        "-v0",
        **PRODUCTION,
        STATIC_ROOT=str(root),
    )
    assert result.returncode == 0, result.stderr
    return root


def hashed_name(root, name):
    return json.loads((root / "staticfiles.json").read_text())["paths"][name]


def test_collectstatic_maps_the_site_stylesheet_to_a_hashed_name(collected_static):
    hashed = hashed_name(collected_static, "css/site.css")
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert (collected_static / hashed).is_file()


def test_collectstatic_writes_a_gzipped_copy_of_the_hashed_stylesheet(collected_static):
    hashed = collected_static / hashed_name(collected_static, "css/site.css")
    assert gzip.decompress(hashed.with_name(hashed.name + ".gz").read_bytes()) == hashed.read_bytes()


def test_collectstatic_writes_a_brotli_copy_of_the_hashed_stylesheet(collected_static):
    brotli = pytest.importorskip("brotli", reason="WhiteNoise writes .br files only when brotli is installed")
    hashed = collected_static / hashed_name(collected_static, "css/site.css")
    assert brotli.decompress(hashed.with_name(hashed.name + ".br").read_bytes()) == hashed.read_bytes()


# Production safety: a guessable secret key and a missing site address refuse to start.

PRINT_SECURITY = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "site_url": settings.SITE_URL,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD],
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


@pytest.mark.parametrize(
    "key",
    [
        STRONG_KEY[:49],
        "abcd" * 13,  # 52 characters, 4 different ones
        "django-insecure-" + STRONG_KEY,  # Django's placeholder prefix
    ],
)
def test_production_mode_refuses_a_weak_secret_key(key):
    result = run_python("-c", PRINT_SECURITY, **{**PRODUCTION, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is too weak" in result.stderr
    assert "at least 50 characters with at least 5 different ones" in result.stderr


def test_development_mode_accepts_a_short_secret_key():
    result = run_python("-c", PRINT_SECURITY, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="short")
    assert result.returncode == 0, result.stderr


def test_production_mode_refuses_to_start_without_the_site_url():
    env = {key: value for key, value in PRODUCTION.items() if key != "NEWSROOM_SITE_URL"}
    result = run_python("-c", PRINT_SECURITY, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: NEWSROOM_SITE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "news.example",
        "ftp://news.example",
        "https://",
        "https://news.example/en/",
        "https://news.example?x=1",
        "https://editor:secret@news.example",
        "https://news.example:notaport",
        "javascript:alert(1)",
    ],
)
def test_the_site_url_must_be_an_http_origin(url):
    result = run_python("-c", PRINT_SECURITY, **{**PRODUCTION, "NEWSROOM_SITE_URL": url})
    assert result.returncode != 0
    assert "NEWSROOM_SITE_URL must be an http(s) origin" in result.stderr


@pytest.mark.parametrize(
    ("url", "stored"),
    [("https://news.example/", "https://news.example"), ("http://127.0.0.1:8000", "http://127.0.0.1:8000")],
)
def test_an_origin_is_accepted_without_its_trailing_slash(url, stored):
    assert settings_with_security(NEWSROOM_SITE_URL=url)["site_url"] == stored


def settings_with_security(**env):
    result = run_python("-c", PRINT_SECURITY, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_mode_redirects_to_https_and_leaves_hsts_off_by_default():
    values = settings_with_security()
    assert values["ssl_redirect"] is True
    assert values["hsts"] == [0, False, False]


def test_hsts_and_the_redirect_follow_their_environment_variables():
    values = settings_with_security(
        DJANGO_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="31536000",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1",
        DJANGO_HSTS_PRELOAD="1",
    )
    assert values["ssl_redirect"] is False
    assert values["hsts"] == [31536000, True, True]


# The documented production configuration (README, "Security") passes Django's deploy check.
DOCUMENTED_PRODUCTION = {
    **PRODUCTION,
    "DJANGO_BEHIND_HTTPS_PROXY": "1",
    "NEWSROOM_TRUST_X_FORWARDED_FOR": "1",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_HOST_USER": "newsroom",
    "DEFAULT_FROM_EMAIL": "newsroom@news.example.org",
}


def test_the_documented_production_configuration_passes_the_deploy_check_with_no_warning():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **DOCUMENTED_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_mail_server_fails_the_deploy_check_naming_it():
    without_mail = {key: value for key, value in DOCUMENTED_PRODUCTION.items() if not key.startswith("EMAIL_")}
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **without_mail)
    assert result.returncode != 0
    assert "(newsroom.W001) DEBUG is off and e-mail goes to the console backend" in result.stderr


def test_the_readme_example_is_the_configuration_the_suite_checks():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n# Production example\n(.*?)```", readme, re.DOTALL)[1]
    documented = dict(line.split("=", 1) for line in block.splitlines() if line and not line.startswith("#"))
    for name, value in DOCUMENTED_PRODUCTION.items():
        if name not in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "NEWSROOM_SITE_URL"):
            assert documented[name] == value, name
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "NEWSROOM_SITE_URL"} <= set(documented)


def test_development_mode_defaults_the_site_url_to_the_development_server():
    result = run_python("-c", PRINT_SECURITY, DJANGO_DEBUG="1", NEWSROOM_SITE_URL="")
    assert json.loads(result.stdout)["site_url"] == "http://127.0.0.1:8000", result.stderr


def test_development_mode_refuses_a_site_url_that_is_not_an_origin_too():
    result = run_python("-c", PRINT_SECURITY, DJANGO_DEBUG="1", NEWSROOM_SITE_URL="127.0.0.1:8000")
    assert "NEWSROOM_SITE_URL must be an http(s) origin" in result.stderr


def test_purge_urls_are_a_comma_separated_list_of_origins():
    code = "import django; django.setup()\nfrom django.conf import settings\nprint(settings.NEWSROOM_PURGE_URLS)"
    result = run_python("-c", code, DJANGO_DEBUG="1", NEWSROOM_PURGE_URLS="http://127.0.0.1:6081, http://cache2:80")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['http://127.0.0.1:6081', 'http://cache2:80']"


def test_a_purge_url_that_is_not_an_http_origin_is_refused():
    result = run_python("-c", PRINT_SETTINGS, DJANGO_DEBUG="1", NEWSROOM_PURGE_URLS="127.0.0.1:6081")
    assert result.returncode != 0
    assert "NEWSROOM_PURGE_URLS must be comma-separated http(s) origins" in result.stderr
