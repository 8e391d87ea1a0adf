"""A large WordPress export, written and read back: parse time and peak memory of the WXR reader.

Writes a WXR 1.2 file of N posts and M comments (spread over the posts, a third of them replies,
with spam, pending and pingbacks among them; an image attachment every fifth post; English and
Korean, classic and block content) to a temporary folder, then reads it three times with
`articles.wordpress.read_export`:

1. timed: wall and CPU seconds (on a shared machine the CPU time is the steadier figure);
2. under tracemalloc: the peak of Python allocations while reading (what stays bounded);
3. again with `convert_post_content` on every post: the CPU time of the conversions alone.

The process's maximum resident size (getrusage) is printed at the end. Benchmarks are not
tests: the figures go to the README.

    .venv/bin/python bench/wordpress_export.py [--posts 5000] [--comments 50000] [--keep FILE]
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from articles.wordpress import Attachment, Post, convert_post_content, read_export  # noqa: E402

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Bench Harbour</title>
	<link>https://bench.example</link>
	<description>A generated export</description>
	<language>ko-KR</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://bench.example</wp:base_site_url>
	<wp:base_blog_url>https://bench.example</wp:base_blog_url>
	<wp:author>
		<wp:author_id>1</wp:author_id>
		<wp:author_login><![CDATA[desk]]></wp:author_login>
		<wp:author_email><![CDATA[desk@bench.example]]></wp:author_email>
		<wp:author_display_name><![CDATA[News desk]]></wp:author_display_name>
	</wp:author>
	<wp:category>
		<wp:term_id>1</wp:term_id>
		<wp:category_nicename><![CDATA[news]]></wp:category_nicename>
		<wp:cat_name><![CDATA[News]]></wp:cat_name>
	</wp:category>
	<wp:tag>
		<wp:term_id>2</wp:term_id>
		<wp:tag_slug><![CDATA[%ed%95%ad%ea%b5%ac]]></wp:tag_slug>
		<wp:tag_name><![CDATA[항구]]></wp:tag_name>
	</wp:tag>
"""
FOOTER = "</channel>\n</rss>\n"

ENGLISH = (
    "The harbour authority said on {day} that ferries would run every hour from June, "
    "and that the old quay would stay open to walkers during the works."
)
KOREAN = "항만공사는 {day} 6월부터 매시간 여객선을 운항하고 공사 기간에도 옛 부두를 보행자에게 개방한다고 밝혔다."


def classic_content(number, rng):
    day = f"day {number}"
    paragraphs = [ENGLISH.format(day=day) for _ in range(rng.randint(3, 6))]
    image = (
        f'[caption id="attachment_{number + 1}" align="aligncenter" width="1024"]'
        f'<img class="size-large wp-image-{number + 1}" src="https://bench.example/wp-content/uploads/2024/05/'
        f'photo-{number}-1024x683.jpg" alt="Photo {number}" /> Caption {number}[/caption]'
    )
    return "\n\n".join([*paragraphs[:2], image, "<h2>Next</h2>", *paragraphs[2:], "<!--more-->"])


def block_content(number, rng):
    paragraphs = [
        f"<!-- wp:paragraph -->\n<p>{KOREAN.format(day=f'{number}일')}</p>\n<!-- /wp:paragraph -->"
        for _ in range(rng.randint(3, 6))
    ]
    embed = (
        '<!-- wp:embed {"url":"https://youtu.be/dQw4w9WgXcQ"} -->\n<figure class="wp-block-embed">'
        '<div class="wp-block-embed__wrapper">\nhttps://youtu.be/dQw4w9WgXcQ\n</div></figure>\n<!-- /wp:embed -->'
    )
    return "\n\n".join([*paragraphs, embed])


def comment_xml(comment_id, parent_id, rng):
    kind = rng.random()
    approved, comment_type = "1", "comment"
    if kind < 0.05:
        approved = "spam"
    elif kind < 0.10:
        approved = "0"
    elif kind < 0.12:
        comment_type = "pingback"
    return f"""		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author><![CDATA[Reader {comment_id}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader{comment_id}@mail.example]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[203.0.113.{comment_id % 250}]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2024-05-06 18:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2024-05-06 09:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Thank you for the report, number {comment_id}.
See you at the quay.]]></wp:comment_content>
			<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[{comment_type}]]></wp:comment_type>
			<wp:comment_parent>{parent_id}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
"""


def item_xml(post_id, content, comments, *, post_type="post", extra=""):
    return f"""	<item>
		<title><![CDATA[Story {post_id}: ferries every hour]]></title>
		<link>https://bench.example/2024/05/06/story-{post_id}/</link>
		<pubDate>Mon, 06 May 2024 09:00:00 +0000</pubDate>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">https://bench.example/?p={post_id}</guid>
		<description></description>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[Ferries every hour from June.]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date><![CDATA[2024-05-06 18:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2024-05-06 09:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[story-{post_id}]]></wp:post_name>
		<wp:status><![CDATA[{"inherit" if post_type == "attachment" else "publish"}]]></wp:status>
		<wp:post_parent>{post_id - 1 if post_type == "attachment" else 0}</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
{extra}{comments}	</item>
"""


def write_export(path, posts, comments, seed=10):
    """Write a WXR 1.2 file of `posts` posts and about `comments` comments to `path`; returns its size in bytes."""
    rng = random.Random(seed)
    per_post, remainder = divmod(comments, max(posts, 1))
    comment_id = 1
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for number in range(posts):
            post_id = 2 * number + 10
            count = per_post + (1 if number < remainder else 0)
            parts, first_of_post = [], comment_id
            for index in range(count):
                # A third are replies to an earlier comment of the same post.
                parent = rng.randrange(first_of_post, comment_id) if index and rng.random() < 1 / 3 else 0
                parts.append(comment_xml(comment_id, parent, rng))
                comment_id += 1
            content = classic_content(post_id, rng) if number % 2 else block_content(post_id, rng)
            terms = (
                '\t\t<category domain="category" nicename="news"><![CDATA[News]]></category>\n'
                '\t\t<category domain="post_tag" nicename="%ed%95%ad%ea%b5%ac"><![CDATA[항구]]></category>\n'
            )
            out.write(item_xml(post_id, content, "".join(parts), extra=terms))
            if number % 5 == 0:
                url = f"https://bench.example/wp-content/uploads/2024/05/photo-{post_id}.jpg"
                meta = (
                    f"\t\t<wp:attachment_url><![CDATA[{escape(url)}]]></wp:attachment_url>\n"
                    "\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>"
                    f"<wp:meta_value><![CDATA[2024/05/photo-{post_id}.jpg]]></wp:meta_value></wp:postmeta>\n"
                    "\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key>"
                    f"<wp:meta_value><![CDATA[Photo {post_id}]]></wp:meta_value></wp:postmeta>\n"
                )
                out.write(item_xml(post_id + 1, "", "", post_type="attachment", extra=meta))
        out.write(FOOTER)
    return os.path.getsize(path)


def read_all(path, convert=False):
    """Read every item (converting each post's content if asked); returns (posts, comments,
    attachments, other items, wall seconds, CPU seconds, CPU seconds of the conversions)."""
    posts = comments = attachments = others = 0
    converting = 0.0
    start, cpu_start = time.perf_counter(), time.process_time()
    for item in read_export(path, "Asia/Seoul"):
        if isinstance(item, Post):
            posts += 1
            comments += len(item.comments)
            if convert:
                before = time.process_time()
                convert_post_content(item.content, post_id=item.id, base_url="https://bench.example")
                converting += time.process_time() - before
        elif isinstance(item, Attachment):
            attachments += 1
        else:
            others += 1
    cpu = time.process_time() - cpu_start
    return posts, comments, attachments, others, time.perf_counter() - start, cpu, converting


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--comments", type=int, default=50000)
    parser.add_argument("--keep", type=Path, help="write the export here and keep it (default: a temporary file)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = options.keep or Path(folder) / "export.xml"
        start = time.perf_counter()
        size = write_export(path, options.posts, options.comments)
        print(f"wrote {path}: {size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")

        posts, comments, attachments, others, seconds, cpu, _ = read_all(path)
        print(
            f"read {posts} posts, {comments} comments, {attachments} attachments, {others} other items "
            f"in {seconds:.1f} s, {cpu:.1f} s of CPU ({size / 1e6 / cpu:.1f} MB per CPU second)"
        )

        tracemalloc.start()
        read_all(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python allocations while reading: {peak / 1e6:.1f} MB (tracemalloc)")

        *_, converting = read_all(path, convert=True)
        print(f"converting every post's content: {converting:.1f} s of CPU ({converting / posts * 1000:.2f} ms a post)")
    maximum = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"maximum resident size of this process: {maximum:.0f} MB (Django and the benchmark included)")


if __name__ == "__main__":
    main()
