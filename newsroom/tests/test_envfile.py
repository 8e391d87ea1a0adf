"""The development `.env` (written by `make run`) and NEWSROOM_ENV_FILE: which file is read, and when never."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.envfile import read_env_file

from .test_settings import CONFIG_VARIABLES, PRINT_SETTINGS, PRODUCTION, ROOT, run_python


@pytest.fixture
def project(tmp_path):
    """A folder standing for the project root; `project / ".env"` is its development file."""
    return tmp_path


def test_the_project_env_file_is_read_when_debug_is_not_set(project):
    (project / ".env").write_text("DJANGO_DEBUG=1\nREDIS_URL=redis://127.0.0.1:6379/3\n")
    environ = {}

    assert read_env_file(project / ".env", environ) == project / ".env"
    assert environ == {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3"}


def test_the_environment_wins_over_the_file(project):
    (project / ".env").write_text("DJANGO_DEBUG=1\nSQLITE_PATH=/from/the/file\n")
    environ = {"SQLITE_PATH": "/from/the/environment"}

    read_env_file(project / ".env", environ)

    assert environ["SQLITE_PATH"] == "/from/the/environment"


@pytest.mark.parametrize("debug", ["0", "false", "off", ""])
def test_debug_turned_off_in_the_environment_leaves_the_project_env_file_unread(project, debug):
    (project / ".env").write_text("DJANGO_DEBUG=1\nDATABASE_URL=sqlite:///nowhere\n")
    environ = {"DJANGO_DEBUG": debug}

    assert read_env_file(project / ".env", environ) is None
    assert environ == {"DJANGO_DEBUG": debug}


def test_a_project_env_file_that_would_leave_production_mode_on_is_refused(project):
    (project / ".env").write_text("DATABASE_URL=postgres://db.internal/newsroom\n")

    with pytest.raises(
        ImproperlyConfigured, match=r"\.env is read in development only, and it does not set DJANGO_DEBUG=1"
    ):
        read_env_file(project / ".env", {})


def test_a_named_file_is_read_in_production_too(project):
    production = project / "newsroom.env"
    production.write_text(f"DJANGO_SECRET_KEY={PRODUCTION['DJANGO_SECRET_KEY']}\nDJANGO_ALLOWED_HOSTS=news.example\n")
    (project / ".env").write_text("DJANGO_DEBUG=1\n")
    environ = {"DJANGO_DEBUG": "0", "NEWSROOM_ENV_FILE": str(production)}

    assert read_env_file(project / ".env", environ) == production
    assert environ["DJANGO_ALLOWED_HOSTS"] == "news.example"
    assert environ["DJANGO_DEBUG"] == "0"


def test_an_empty_env_file_name_reads_no_file(project):
    (project / ".env").write_text("DJANGO_DEBUG=1\n")
    environ = {"NEWSROOM_ENV_FILE": ""}

    assert read_env_file(project / ".env", environ) is None
    assert environ == {"NEWSROOM_ENV_FILE": ""}


def test_a_named_file_that_is_missing_is_an_error(project):
    with pytest.raises(ImproperlyConfigured, match=r"NEWSROOM_ENV_FILE=.*missing.env cannot be read"):
        read_env_file(project / ".env", {"NEWSROOM_ENV_FILE": str(project / "missing.env")})


def test_the_file_make_run_writes_turns_development_mode_on(project):
    makefile = Path(ROOT) / "Makefile"
    subprocess.run(["make", "-s", "-C", str(project), "-f", str(makefile), ".env"], check=True, timeout=60)
    environ = {}

    read_env_file(project / ".env", environ)

    assert environ == {"DJANGO_DEBUG": "1"}


def test_settings_read_the_named_file_before_anything_else(tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text(f"DJANGO_DEBUG=1\nSQLITE_PATH={tmp_path / 'from-the-file.sqlite3'}\n")

    result = run_python("-c", PRINT_SETTINGS, NEWSROOM_ENV_FILE=str(env_file))

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["name"] == str(tmp_path / "from-the-file.sqlite3")


def test_manage_py_commands_work_without_typing_django_debug(tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text(f"DJANGO_DEBUG=1\nSQLITE_PATH={tmp_path / 'db.sqlite3'}\nNEWSROOM_KOREAN_ANALYSER=off\n")

    result = run_python("manage.py", "check", NEWSROOM_ENV_FILE=str(env_file))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "entry_point",
    ["import newsroom.wsgi", "import newsroom.asgi", "import runpy; runpy.run_path('gunicorn.conf.py')"],
    ids=["wsgi", "asgi", "gunicorn"],
)
def test_web_servers_read_no_env_file_unless_one_is_named(entry_point):
    code = f"import os\n{entry_point}\nprint(repr(os.environ['NEWSROOM_ENV_FILE']))"
    environment = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="newsroom.settings", NEWSROOM_KOREAN_ANALYSER="off")

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "''"
