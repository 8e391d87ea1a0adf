"""Suite-wide test setup: Debian's Chromium for Playwright, artifacts for screenshots, a fast password hasher."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SEED_DIR = Path(__file__).resolve().parent.parent / "shared" / "seed"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="no Chromium found (apt-get install chromium); .ci/run installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users made in tests need no slow hash; PBKDF2 alone took half a second per admin test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# The data migrations whose rows tests rely on (staff groups and their permissions, the first
# sections), in migration order: (module, forward function).
DATA_MIGRATIONS = [
    ("comments.migrations.0002_moderator_groups", "create_groups"),
    ("comments.migrations.0004_editors_do_not_delete_comments", "drop_delete_permission"),
    ("comments.migrations.0007_editors_add_corrections", "grant"),
    ("articles.migrations.0014_first_sections_and_editor_permissions", "create_sections"),
    ("articles.migrations.0014_first_sections_and_editor_permissions", "give_editors_permissions"),
    ("articles.migrations.0017_roles_reporters_group", "create_reporters"),
]


def restore_migration_data():
    """Run the data migrations' forward steps again: a transactional test's flush emptied their rows.

    pytest-django runs transactional tests (browser tests, live servers) between the others, and
    each ends with a flush of every table; the rows the data migrations made go with it.
    """
    import importlib

    from django.apps import apps

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def migration_data(request):
    """Tests that use the database find what the data migrations made, even after a flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="Editors").exists():
        restore_migration_data()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: ids and page versions repeat between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def default_language():
    """A request to /ko/ leaves Korean active in the thread: each test starts in English again."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def axe_violations(page):
    """[(rule, [element selectors])] of what axe-core finds on the page: WCAG 2.2 A/AA and best practice."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(Axe().axe_script)
    response = page.evaluate("axe.run({resultTypes: ['violations']})")
    return [(violation["id"], [node["target"] for node in violation["nodes"]]) for violation in response["violations"]]
