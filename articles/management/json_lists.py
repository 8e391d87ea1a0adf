"""Reading the JSON lists that demo management commands load (corrections, videos)."""

import json
from pathlib import Path

from django.core.management.base import CommandError


def read_json_list(path, noun):
    """The list a UTF-8 JSON file at `path` holds; CommandError naming the file otherwise.

    `noun` (plural, e.g. "corrections") says in the error what the list should have held.
    """
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"{path}: {error}") from None
    if not isinstance(entries, list):
        raise CommandError(f"{path}: expected a list of {noun}")
    return entries
