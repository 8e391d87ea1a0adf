"""A large Disqus export imported with `manage.py import_disqus`: time and peak memory.

Imports the generated WordPress export of `bench/wordpress_export.py` (N posts, no comments) into a
throwaway SQLite database, then writes a Disqus export of the same site: a thread per post (its link
the post's permalink over http with a query, or its `?p=` shortlink, or our story page), one thread
in twenty of a post never imported, and M comments (a third of them replies, one in fifty spam, one
in fifty deleted; Korean and English). Then runs `import_disqus` three times, each in a process of
its own (DEBUG off): the first import, the same file again (all unchanged), a dry run.

For each: wall and CPU seconds and the process's peak resident size, and the command's summary
line. Benchmarks are not tests: the figures go to the README.

    .venv/bin/python bench/disqus_import.py [--posts 2000] [--comments 20000]
"""

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wordpress_export import write_export  # noqa: E402
from bench.wordpress_import import environment, measured  # noqa: E402

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<category dsq:id="1"><forum>bench</forum><title>General</title><isDefault>true</isDefault></category>
"""
WORDS = (
    "harbour",
    "ferry",
    "quay",
    "market",
    "festival",
    "night",
    "timetable",
    "항구",
    "여객선",
    "부두",
    "시장",
    "축제",
)


def thread_link(post_id, number):
    """The link a thread of post `post_id` has: the shapes Disqus keeps, in turn."""
    shapes = [
        f"http://bench.example/2024/05/06/story-{post_id}/?utm_source=feed#disqus_thread",
        f"https://bench.example/?p={post_id}",
        f"https://bench.example/2024/05/06/story-{post_id}",
    ]
    return shapes[number % len(shapes)]


def write_disqus_export(path, posts, comments, seed=10):
    """Write a Disqus export for the `posts` posts of the WordPress export, with about `comments`
    comments, to `path`; returns its size in bytes."""
    rng = random.Random(seed)
    threads = []
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for number in range(posts + posts // 20):
            thread_id = 100_000 + number
            if number < posts:
                link = thread_link(2 * number + 10, number)
            else:
                link = f"https://bench.example/2019/01/01/never-imported-{number}/"
            threads.append(thread_id)
            out.write(
                f'<thread dsq:id="{thread_id}"><id /><forum>bench</forum><link>{escape(link)}</link>'
                f"<title>Thread {number}</title><createdAt>2024-05-06T08:00:00Z</createdAt>"
                "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n"
            )
        by_thread = {}
        for number in range(comments):
            comment_id = 1_000_000 + number
            thread_id = rng.choice(threads)
            earlier = by_thread.setdefault(thread_id, [])
            parent = f'<parent dsq:id="{rng.choice(earlier)}" />' if earlier and rng.random() < 1 / 3 else ""
            earlier.append(comment_id)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 40)))
            spam = "true" if number % 50 == 7 else "false"
            deleted = "true" if number % 50 == 13 else "false"
            out.write(
                f'<post dsq:id="{comment_id}"><id /><message><![CDATA[<p>{text}.</p><p>{number}</p>]]></message>'
                f"<createdAt>2024-05-{6 + number % 20:02d}T{number % 24:02d}:{number % 60:02d}:00Z</createdAt>"
                f"<isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>"
                f"<author><email>reader{number % 997}@mail.example</email><name>Reader {number % 997}</name>"
                "<isAnonymous>false</isAnonymous></author>"
                f'<ipAddress>198.51.100.{number % 250}</ipAddress><thread dsq:id="{thread_id}" />{parent}</post>\n'
            )
        out.write("</disqus>\n")
    return Path(path).stat().st_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20000)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        wordpress = Path(folder) / "wordpress.xml"
        write_export(wordpress, options.posts, 0)
        disqus = Path(folder) / "disqus.xml"
        size = write_disqus_export(disqus, options.posts, options.comments)
        threads = options.posts + options.posts // 20
        print(f"Disqus export: {threads} threads, {options.comments} comments, {size / 1e6:.1f} MB")
        env = environment(folder, None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall, cpu, _, _ = measured(["import_wordpress", str(wordpress), "--no-progress"], env)
        print(f"(the WordPress posts: {wall:.1f} s, {cpu:.1f} s of CPU)")
        for label, extra in [("first import", []), ("again (unchanged)", []), ("dry run", ["--dry-run"])]:
            wall, cpu, peak, output = measured(["import_disqus", str(disqus), "--no-progress", *extra], env)
            rate = options.comments / wall
            print(f"{label}: {wall:.1f} s ({cpu:.1f} s of CPU, {rate:.0f} comments/s), peak RSS {peak:.0f} MB")
            lines = [line.strip() for line in output.splitlines()]
            print("    " + " | ".join(line for line in lines if line.startswith(("threads:", "comments:"))))


if __name__ == "__main__":
    main()
