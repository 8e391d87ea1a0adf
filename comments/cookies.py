"""Cookies of the comment form: the visitor's own held comments, and "save my name"."""

import json

from django.conf import settings

OWN_COMMENTS_COOKIE = "newsroom_own_comments"
AUTHOR_COOKIE = "newsroom_comment_author"
AUTHOR_COOKIE_DAYS = 365
MAX_OWN_COMMENTS = 20


def own_comment_ids(request):
    """Ids of comments this browser posted lately, to show them while they wait for moderation."""
    raw = request.get_signed_cookie(
        OWN_COMMENTS_COOKIE, default="", salt=OWN_COMMENTS_COOKIE, max_age=settings.COMMENTS_HELD_VISIBLE_HOURS * 3600
    )
    return [int(part) for part in raw.split(",") if part.isdigit()][-MAX_OWN_COMMENTS:]


def remember_own_comment(request, response, comment_id):
    ids = [*own_comment_ids(request), comment_id][-MAX_OWN_COMMENTS:]
    response.set_signed_cookie(
        OWN_COMMENTS_COOKIE,
        ",".join(map(str, ids)),
        salt=OWN_COMMENTS_COOKIE,
        max_age=settings.COMMENTS_HELD_VISIBLE_HOURS * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def remembered_author(request):
    """The name, e-mail and website saved by "Save my name…", as form initial data."""
    raw = request.get_signed_cookie(AUTHOR_COOKIE, default="", salt=AUTHOR_COOKIE)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    fields = ("author_name", "author_email", "author_url")
    initial = {name: str(data[name]) for name in fields if isinstance(data.get(name), str)}
    return {**initial, "remember": True} if initial else {}


def save_author(response, cleaned_data):
    data = {name: cleaned_data.get(name, "") for name in ("author_name", "author_email", "author_url")}
    response.set_signed_cookie(
        AUTHOR_COOKIE,
        json.dumps(data),
        salt=AUTHOR_COOKIE,
        max_age=AUTHOR_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_author(response):
    response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
