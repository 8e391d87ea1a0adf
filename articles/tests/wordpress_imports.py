"""Helpers for the `import_wordpress` tests: running the command, counting rows, writing exports and
photos of our own."""

import io
from pathlib import Path

from django.apps import apps
from django.core.management import CommandError, call_command
from PIL import Image

WORDPRESS = Path(__file__).resolve().parent / "wordpress"
HARBOUR = WORDPRESS / "harbour-times-wxr-1.2.xml"
OLD_BLOG = WORDPRESS / "old-blog-wxr-1.0.xml"
TRUNCATED = WORDPRESS / "truncated.xml"
BILLION_LAUGHS = WORDPRESS / "billion-laughs.xml"
EXTERNAL_ENTITY = WORDPRESS / "external-entity.xml"

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Test Harbour</title>
	<link>https://test-harbour.example</link>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
"""


def import_wordpress(*args, **options):
    """Run `import_wordpress` (no progress bar); returns (stdout, stderr, the CommandError raised or None)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_wordpress", *map(str, args), stdout=stdout, stderr=stderr, no_progress=True, **options)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def row_counts():
    """{model label: rows} of every table of the project's apps and reversion's."""
    labels = {"articles", "comments", "photos", "reversion"}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and not model._meta.proxy
    }


def post_xml(post_id, title, content="<p>Text.</p>", *, date="2024-05-06 09:00:00", status="publish", extra=""):
    """One `<item>` of a post (`extra` is XML added inside it: terms, comments, postmeta)."""
    return f"""	<item>
		<title><![CDATA[{title}]]></title>
		<link>https://test-harbour.example/?p={post_id}</link>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date><![CDATA[{date}]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:post_name><![CDATA[post-{post_id}]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
{extra}	</item>
"""


def comment_xml(comment_id, parent_id=0, text="A comment.", *, approved="1", author="Reader"):
    return f"""		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader{comment_id}@mail.example]]></wp:comment_author_email>
			<wp:comment_date_gmt><![CDATA[2024-05-06 10:{comment_id % 60:02d}:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>{parent_id}</wp:comment_parent>
		</wp:comment>
"""


def write_export(path, *items):
    """Write a WXR 1.2 export of `items` (XML strings, from `post_xml`) to `path`; returns `path`."""
    Path(path).write_text(HEADER + "".join(items) + "</channel>\n</rss>\n", encoding="utf-8")
    return path


def edited_export(folder, source, *replacements):
    """A copy of the export `source` in `folder` with each (old, new) text replaced once."""
    text = Path(source).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = Path(folder) / Path(source).name
    path.write_text(text, encoding="utf-8")
    return path


def draw_photo(path, size=(600, 400), colour=(30, 90, 140)):
    """A JPEG of `size` at `path` (folders made), drawn with Pillow; returns `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 40):
        for y in range(size[1] // 2, size[1]):
            image.putpixel((x, y), (250, 250, 250))
    image.save(path, "JPEG", quality=85)
    return path


def attachment_xml(attachment_id, file, alt="", caption=""):
    """One `<item>` of an image attachment, its file `file` inside the uploads folder."""
    return f"""	<item>
		<title><![CDATA[{file.rsplit("/", 1)[-1]}]]></title>
		<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
		<wp:post_id>{attachment_id}</wp:post_id>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:attachment_url><![CDATA[https://test-harbour.example/wp-content/uploads/{file}]]></wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[{file}]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta>
	</item>
"""
