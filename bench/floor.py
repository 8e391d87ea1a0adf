"""The framework's floor for a story page with comments: the same comments, a Django template,
no database (issue 12's yardstick).

`floor_view` renders FLOOR_COMMENTS comments (a third of them replies, as in the benchmark's
story) from a list built once at import, through a template compiled once, with the markup a
comment has on the story page (author, time, text, Reply and Report links) and Django's
autoescaping and i18n tags. Whatever the story page spends beyond this is ours: the database,
the page around the comments, the form, the middleware. `make bench` reports each page as a
ratio of this view's rate measured in the same run.
"""

import datetime as dt
from pathlib import Path

from django.http import HttpResponse
from django.template import engines

FLOOR_COMMENTS = 45
START = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)

TEMPLATE = Path(__file__).resolve().parent / "templates" / "floor.html"


def floor_comments(count=FLOOR_COMMENTS):
    """`count` comments as plain dicts, shaped like the benchmark story's (bench/story_page.py)."""
    return [
        {
            "id": number + 1,
            "depth": 1 if number % 3 == 2 else 0,
            "name": f"Reader {number}",
            "url": "https://reader.example/" if number % 4 == 0 else "",
            "text": f"Comment {number}: a considered reply, with a link https://example.org/{number}"
            "\nand a second line.",
            "created_at": START + dt.timedelta(minutes=number),
        }
        for number in range(count)
    ]


COMMENTS = floor_comments()
_template = None


def floor_view(request):
    """GET → 200 text/html: the floor page. The template is compiled on the first request."""
    global _template
    if _template is None:
        _template = engines["django"].from_string(TEMPLATE.read_text())
    html = _template.render({"headline": "A story with forty-five comments", "comments": COMMENTS}, request)
    return HttpResponse(html)
