"""Helpers for the `import_disqus` tests: running the command, and our Disqus exports (comments/tests/disqus/)."""

import io
from pathlib import Path

from django.core.management import CommandError, call_command

DISQUS = Path(__file__).resolve().parent / "disqus"
HARBOUR_DISQUS = DISQUS / "harbour-disqus.xml"
TRUNCATED = DISQUS / "truncated.xml"
BILLION_LAUGHS = DISQUS / "billion-laughs.xml"

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
"""


def import_disqus(path, **options):
    """Run `import_disqus` (no progress bar); returns (stdout, stderr, the CommandError raised or None)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_disqus", str(path), stdout=stdout, stderr=stderr, no_progress=True, **options)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def thread_xml(thread_id, link, *, identifier="", deleted="false"):
    return f"""<thread dsq:id="{thread_id}">
<id>{identifier}</id>
<forum>testforum</forum>
<link>{link}</link>
<title>Thread {thread_id}</title>
<createdAt>2024-05-06T08:00:00Z</createdAt>
<isClosed>false</isClosed>
<isDeleted>{deleted}</isDeleted>
</thread>
"""


def post_xml(post_id, thread_id, text="A comment.", *, parent_id=None, email=None, name="Reader", spam="false"):
    """One `<post>` (a Disqus comment) on thread `thread_id`."""
    parent = f'<parent dsq:id="{parent_id}" />\n' if parent_id else ""
    email = f"reader{post_id}@mail.example" if email is None else email
    return f"""<post dsq:id="{post_id}">
<message><![CDATA[{text}]]></message>
<createdAt>2024-05-06T10:{post_id % 60:02d}:00Z</createdAt>
<isDeleted>false</isDeleted>
<isSpam>{spam}</isSpam>
<author><email>{email}</email><name>{name}</name><isAnonymous>false</isAnonymous></author>
<ipAddress>198.51.100.1</ipAddress>
<thread dsq:id="{thread_id}" />
{parent}</post>
"""


def write_export(path, *elements):
    """Write a Disqus export of `elements` (XML strings) to `path`; returns `path`."""
    Path(path).write_text(HEADER + "".join(elements) + "</disqus>\n", encoding="utf-8")
    return path


def edited_export(folder, source, *replacements):
    """A copy of `source` in `folder` with each (old, new) text replaced once."""
    text = Path(source).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = Path(folder) / Path(source).name
    path.write_text(text, encoding="utf-8")
    return path
