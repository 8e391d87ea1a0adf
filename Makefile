# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
# Both start from a fresh clone: they create .venv and install the pinned requirements.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo story the front page leads with (pinned once; editors change it in admin).
DEMO_LEAD := tallinn-harbour-hosts-korean-port-cities-culture-week
# The task worker (it sends the e-mail) runs beside the web server; Ctrl-C stops both (README "Mail").
# No autoreload: a reload would kill a task halfway. Another queue brings its own worker: WORKER="...".
# A worker that dies mid-task (SIGKILL) leaves it RUNNING: AFTER_WORKER puts it back in the queue
# before the worker is restarted, and `requeue_abandoned_tasks --older-than 0` at start does the same
# for what the last run's worker left (comments/task_queue.py).
WORKER ?= $(MANAGE) db_worker --no-reload --worker-id {worker_id}
AFTER_WORKER ?= $(MANAGE) requeue_abandoned_tasks --worker-id {worker_id}
WITH_WORKER = $(BIN)/python scripts/with_worker.py --worker "$(WORKER)" --after-exit "$(AFTER_WORKER)" --

.PHONY: run test lint format serve install clean bench bench-pages bench-stack bench-archive stack messages hostile shell superuser import

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Development settings that manage.py reads, so that `python manage.py …` needs no DJANGO_DEBUG=1 after
# `make run` (newsroom/envfile.py, README "Operations"). Written once if missing; edit it freely.
.env:
	printf '%s\n' \
		'# Development settings, written by make run (README "Operations"). manage.py reads this file' \
		'# unless DJANGO_DEBUG=0 is set in the environment; a web server never reads it.' \
		'DJANGO_DEBUG=1' > $@

# Development server with the demo stories, on http://127.0.0.1:8000, and the task worker
run: export DJANGO_DEBUG ?= 1
# The links in mails (confirmations, unsubscribes, moderators' buttons) lead to this server's own port.
run: export NEWSROOM_SITE_URL ?= http://$(HOST):$(PORT)
run: install .env
	$(MANAGE) migrate --noinput
	$(MANAGE) import_story --only-new demo/stories
	$(MANAGE) import_corrections demo/corrections.json
	$(MANAGE) import_videos demo/videos.json
	$(MANAGE) import_photos demo/photos.json
	$(MANAGE) pin_story --lead --unless-pinned $(DEMO_LEAD)
	$(MANAGE) requeue_abandoned_tasks --older-than 0 -v0
	exec $(WITH_WORKER) $(MANAGE) runserver $(HOST):$(PORT)

# Django's shell on the development database
shell: export DJANGO_DEBUG ?= 1
shell: install .env
	$(MANAGE) shell

# An admin account for http://127.0.0.1:8000/admin/ (asks for the name and password)
superuser: export DJANGO_DEBUG ?= 1
superuser: install .env
	$(MANAGE) migrate --noinput
	$(MANAGE) createsuperuser

# Import by the file's kind: a story page (.txt) or a folder of them (import_story), a WordPress export
# (.xml: import_wordpress). ARGS go to the command, e.g. make import FILE=export.xml ARGS="--dry-run".
import: export DJANGO_DEBUG ?= 1
import: install .env
	@test -n "$(FILE)" || { echo 'usage: make import FILE=page.txt|folder|export.xml [ARGS="--dry-run ..."]' >&2; exit 2; }
	@if [ -d "$(FILE)" ]; then command=import_story; else case "$(FILE)" in \
		*.txt|*.TXT) command=import_story ;; \
		*.xml|*.XML) command=import_wordpress ;; \
		*) echo "make import: $(FILE) is neither a story page (.txt), a folder of them nor a WordPress export (.xml)" >&2; \
		   exit 2 ;; \
	esac; fi; \
	$(MANAGE) migrate --noinput && \
	echo "$(MANAGE) $$command $(FILE) $(ARGS)" && \
	$(MANAGE) $$command "$(FILE)" $(ARGS)

# Lint and the whole test suite (browser tests need Debian's chromium; .ci/run installs it)
test: export DJANGO_DEBUG ?= 1
test: install lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Production-like: DEBUG off, hashed and compressed static files, gunicorn (gunicorn.conf.py), the task worker.
# Set DJANGO_SECRET_KEY yourself; otherwise a random one is kept in .secret_key.
# Plain HTTP on this machine: no HTTPS redirect, cookies not marked Secure. Django itself serves the
# uploads under /media/ here (NEWSROOM_SERVE_MEDIA); production leaves that to the web server (README "Photos").
serve: export DJANGO_DEBUG = 0
serve: export NEWSROOM_SERVE_MEDIA ?= 1
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export DJANGO_SECURE_COOKIES ?= 0
serve: export DJANGO_SSL_REDIRECT ?= 0
serve: export NEWSROOM_SITE_URL ?= http://$(HOST):$(PORT)
serve: install .secret_key
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) collectstatic --noinput -v0
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) migrate --noinput
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) import_story --only-new demo/stories
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) import_corrections demo/corrections.json
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) import_videos demo/videos.json
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) import_photos demo/photos.json
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) pin_story --lead --unless-pinned $(DEMO_LEAD)
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" $(MANAGE) requeue_abandoned_tasks --older-than 0 -v0
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}" exec $(WITH_WORKER) $(BIN)/gunicorn newsroom.wsgi \
		--bind $(HOST):$(PORT)

# The production stack on one machine, as it would run on several (README "Production stack"), all on
# 127.0.0.1: PostgreSQL (database newsroom_stack, made when missing), Redis (db 12), two gunicorn
# instances on :8081 and :8082, the task worker, and Varnish on :8080 in front (apt-get install varnish).
# Ctrl-C stops everything. STACK_PORT, STACK_DATABASE_URL, STACK_REDIS_URL change where.
stack: install .secret_key
	@command -v varnishd >/dev/null || test -x /usr/sbin/varnishd || { echo "make stack needs Varnish: apt-get install varnish" >&2; exit 1; }
	exec $(BIN)/python scripts/stack.py

.secret_key: | $(BIN)/python
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Interface strings: collect them into locale/ko/LC_MESSAGES/django.po, then compile the .mo
# (both are committed; the suite checks that every string is translated and compiled).
messages: export DJANGO_DEBUG ?= 1
messages: install
	$(MANAGE) makemessages -l ko --no-obsolete --no-location --ignore=.venv --ignore=staticfiles --ignore=artifacts
	$(MANAGE) compilemessages -l ko --ignore=.venv

# Every benchmark of README "Benchmarks" in one run: the reader pages against the floor view on gunicorn,
# the production stack through Varnish with an instance killed mid-run (needs wrk, varnish, PostgreSQL, Redis),
# the generated archive of 100,000 stories and 1,000,000 comments against a small one.
bench: install
	$(BIN)/python bench/story_page.py
	$(BIN)/python bench/stack.py
	$(BIN)/python bench/archive.py

bench-pages: install
	$(BIN)/python bench/story_page.py

bench-stack: install
	$(BIN)/python bench/stack.py

# Page times of a generated archive, 1,000 stories against 100,000 stories and 1,000,000 comments
# (README "Benchmarks", "Large archives"; SQLite, in-process). ARGS="--small" for a quick run,
# ARGS="--database-url postgres://…/newsroom_archive_bench" for PostgreSQL (the database made anew).
bench-archive: install
	$(BIN)/python bench/archive.py $(ARGS)

# 351 hostile inputs against a real gunicorn (README, "When things fail"); uses Redis on 127.0.0.1 when it answers.
hostile: install
	$(BIN)/python bench/hostile_inputs.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache artifacts media var
