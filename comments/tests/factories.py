"""Plain functions that make comments, read forms out of pages and post the comment form."""

import datetime as dt
import itertools
import re
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db import models
from django.utils import timezone

from articles.tests.factories import make_story  # noqa: F401 - re-exported for the comment tests
from comments.models import Comment, text_fingerprint

_numbers = itertools.count(1)


def make_comment(story, **fields):
    """A stored comment, approved unless told otherwise, with its thread and depth set as posting sets them."""
    number = next(_numbers)
    parent = fields.get("parent")
    values = {
        "author_name": f"Reader {number}",
        "author_email": f"reader{number}@example.com",
        "text": f"Comment number {number} on this story.",
        "status": Comment.Status.APPROVED,
        "created_at": timezone.now() - dt.timedelta(hours=1) + dt.timedelta(seconds=number),
        "ip_address": "192.0.2.1",
    }
    values.update(fields)
    if parent is not None:
        values["thread_id"] = parent.thread_id
        values["depth"] = parent.depth + 1
    comment = Comment.objects.create(story=story, **values)
    if comment.thread_id is None:
        Comment.objects.filter(pk=comment.pk).update(thread=comment)
        comment.thread_id = comment.pk
    return comment


@contextmanager
def signing_hours_ago(hours):
    """Sign tokens and cookies as if it were `hours` ago; yields that moment as a Unix time."""
    moment = time.time() - hours * 3600
    timestamp = signing.b62_encode(int(moment))
    with mock.patch.object(signing.TimestampSigner, "timestamp", lambda self: timestamp):
        yield moment


def make_moderator(django_user_model, username="moderator", email="moderator@example.com", group="Moderators"):
    """A staff user in one of the groups the data migration creates."""
    user = django_user_model.objects.create_user(username, email=email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


class _FormReader(HTMLParser):
    """The action and the values a browser would send for one <form> of a page."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.action = None
        self.fields = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = self.found = True
            self.action = attrs.get("action") or ""
            return
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # A browser drops the one newline that follows <textarea>.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def read_form(page, form_id="comment-form"):
    """(action, {name: value}) of the form with this id, as a browser would submit it unchanged."""
    reader = _FormReader(form_id)
    reader.feed(page if isinstance(page, str) else page.content.decode())
    assert reader.found, f'no <form id="{form_id}"> on the page'
    return reader.action, reader.fields


VALID_COMMENT = {
    "text": "A thoughtful comment about the ferry timetable.",
    "author_name": "Ann Reader",
    "author_email": "ann@example.com",
    "author_url": "",
}


def form_values(client, page):
    """What static/js/comment_form.js puts in the comment form of `page` (a response or HTML): the
    CSRF token and signed time that the form's `data-values-url` gives this client (whose CSRF cookie
    it sets)."""
    html = page if isinstance(page, str) else page.content.decode()
    url = re.search(r'<form id="comment-form"[^>]*\sdata-values-url="([^"]+)"', html)
    assert url, "the comment form names no data-values-url"
    response = client.get(url.group(1))
    assert response.status_code == 200, response.status_code
    return response.json()


def post_form(client, story, *, page_url=None, **overrides):
    """Open the story page, fill in the comment form with valid values, send it; returns the response.

    `overrides` replace form values (`None` leaves a field out); the csrf and signed `token`
    fields are what the page's script fills in (`form_values`), or the page's own when it has them
    (a form sent back), as a browser would send them.
    """
    page = client.get(page_url or story.get_absolute_url())
    assert page.status_code == 200, page.status_code
    action, fields = read_form(page)
    if not fields.get("csrfmiddlewaretoken"):
        fields.update(form_values(client, page))
    fields.update(VALID_COMMENT)
    fields.update(overrides)
    data = {name: value for name, value in fields.items() if value is not None}
    return client.post(action, data)


def field_errors(response, field_name):
    """The error messages shown under one field of the comment form."""
    elements = page_elements(response)
    messages = []
    number = 1
    while (element := elements.get(f"error_{number}_id_{field_name}")) is not None:
        messages.append(element.text.strip())
        number += 1
    return messages


class Element:
    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = attrs
        self.text = ""


class _ElementReader(HTMLParser):
    """Every element that has an id, with its attributes and its text."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.by_id = {}
        self.open = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        if "id" in element.attrs:
            self.by_id[element.attrs["id"]] = element
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


def page_elements(page):
    """{id: Element} of a page: its tag, attributes and text content."""
    reader = _ElementReader()
    reader.feed(page if isinstance(page, str) else page.content.decode())
    return reader.by_id


def make_threads(story, threads, replies_per_thread, **fields):
    """`threads` approved threads, each a root and a chain of replies, in a handful of queries.

    Depths run 1, 2, … up to `COMMENTS_MAX_DEPTH - 1`, then start again under the root.
    """
    start = timezone.now() - dt.timedelta(days=1)
    roots = Comment.objects.bulk_create(
        _bulk_comment(story, start + dt.timedelta(seconds=number), **fields) for number in range(threads)
    )
    Comment.objects.filter(pk__in=[root.pk for root in roots]).update(thread=models.F("pk"))
    deepest = settings.COMMENTS_MAX_DEPTH - 1
    previous = roots
    for step in range(replies_per_thread):
        depth = step % deepest + 1
        replies = []
        for number, root in enumerate(roots):
            parent = root if depth == 1 else previous[number]
            moment = start + dt.timedelta(seconds=threads + step * threads + number)
            replies.append(_bulk_comment(story, moment, parent=parent, thread_id=root.pk, depth=depth, **fields))
        previous = Comment.objects.bulk_create(replies)
    return roots


def _bulk_comment(story, created_at, **fields):
    number = next(_numbers)
    text = f"Bulk comment {number}."
    values = {
        "author_name": f"Reader {number}",
        "author_email": f"reader{number}@example.com",
        "text": text,
        "fingerprint": text_fingerprint(text),
        "status": Comment.Status.APPROVED,
        "created_at": created_at,
    }
    values.update(fields)
    return Comment(story=story, **values)


class _CommentNesting(HTMLParser):
    """For each comment on a page: the comment it is shown under, and the classes of its <li>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.parents = {}
        self.classes = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("br", "input", "img"):
            return
        self.stack.append((tag, attrs))
        if tag == "li" and attrs.get("id", "").startswith("comment-"):
            comment_id = int(attrs["id"].removeprefix("comment-"))
            self.classes[comment_id] = attrs.get("class", "").split()
            enclosing = [(t, a) for t, a in self.stack[:-1] if t == "li" and a.get("id", "").startswith("comment-")]
            if enclosing:
                # Shown as a reply only when it sits in the list of replies of that comment.
                assert self.stack[-2][0] == "ol" and "comment-replies" in self.stack[-2][1].get("class", "")
                self.parents[comment_id] = int(enclosing[-1][1]["id"].removeprefix("comment-"))
            else:
                self.parents[comment_id] = None

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break


def shown_comments(page):
    """{comment id: id of the comment it is shown as a reply to, or None}, in page order."""
    reader = _CommentNesting()
    reader.feed(page if isinstance(page, str) else page.content.decode())
    return reader.parents


def depth_classes(page):
    reader = _CommentNesting()
    reader.feed(page if isinstance(page, str) else page.content.decode())
    return {pk: next(c for c in classes if c.startswith("depth-")) for pk, classes in reader.classes.items()}
