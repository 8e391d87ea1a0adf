"""Cookies of the comment form: the visitor's own held comments, the right to edit them, and "save
my name".

The edit cookie holds, for each comment this browser posted lately, a random secret; the comment
stores only its SHA-256 (`Comment.edit_key`). Knowing a comment's id, or even SECRET_KEY, is not
enough to edit it: the secret exists in that browser's cookie alone (signed as well, httponly,
SameSite=Lax). It lives an hour longer than the edit window, so that an edit sent a little late is
told that the window is over, not that the comment is someone else's.
"""

import hashlib
import json
import secrets

from django.conf import settings

OWN_COMMENTS_COOKIE = "newsroom_own_comments"
AUTHOR_COOKIE = "newsroom_comment_author"
EDIT_COOKIE = "newsroom_comment_edit"
AUTHOR_COOKIE_DAYS = 365
MAX_OWN_COMMENTS = 20
MAX_EDITABLE_COMMENTS = 20
EDIT_COOKIE_GRACE_SECONDS = 3600


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


def new_edit_secret():
    """A fresh secret (str, 128 random bits) for the edit cookie of a comment about to be posted."""
    return secrets.token_urlsafe(16)


def edit_key_for(secret):
    """What a comment stores of its edit secret (str): its hex SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def edit_cookie_seconds():
    return max(settings.COMMENTS_EDIT_MINUTES, 0) * 60 + EDIT_COOKIE_GRACE_SECONDS


def edit_secrets(request):
    """{comment id: secret} of the comments this browser posted lately ({} without a valid cookie)."""
    raw = request.get_signed_cookie(EDIT_COOKIE, default="", salt=EDIT_COOKIE, max_age=edit_cookie_seconds())
    found = {}
    for part in raw.split(","):
        comment_id, _colon, secret = part.partition(":")
        # ASCII digits only ("²".isdigit() is true), and no more than an id can hold.
        if comment_id.isascii() and comment_id.isdigit() and len(comment_id) <= 18 and secret:
            found[int(comment_id)] = secret
    return dict(list(found.items())[-MAX_EDITABLE_COMMENTS:])


def remember_edit_secret(request, response, comment_id, secret):
    """Add the secret of `comment_id` to this browser's edit cookie (the newest MAX_EDITABLE_COMMENTS kept)."""
    entries = {**edit_secrets(request), comment_id: secret}
    value = ",".join(f"{pk}:{value}" for pk, value in list(entries.items())[-MAX_EDITABLE_COMMENTS:])
    response.set_signed_cookie(
        EDIT_COOKIE,
        value,
        salt=EDIT_COOKIE,
        max_age=edit_cookie_seconds(),
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
