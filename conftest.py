"""Suite-wide test setup: Debian's Chromium for Playwright, artifacts for screenshots, a fast password hasher,
uploads in a temporary folder."""

import os
import shutil
from pathlib import Path

import pytest

from newsroom.tests.migration_data import restore_migration_data

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


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploads and renditions made by a test go to a folder of its own, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


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
