"""Hostile inputs against a real deployment: which ones the site holds, which ones break it.

Starts gunicorn (DEBUG off, its own SQLite file in a temporary folder, the demo stories
and the seed page imported) on 127.0.0.1, sends each input over HTTP with the standard
library only, and classifies it HELD or FAILED. A case fails on any 5xx, a traceback in
the body, a broken connection, or its own condition:

 1. control   C0/C1 controls, DEL, U+FFFE/U+FFFF in a comment's text, name and website;
              invisible characters alone as text or name; odd names kept by "Save my name".
              No 5xx; invisible-only is refused (4xx, form back); afterwards the story pages,
              the story's RSS/Atom comment feeds in /en/ and /ko/, /sitemap.xml and
              /sitemap-stories.xml answer 200 (feeds and sitemaps parse as XML).
 2. keyword   `casino` (a blocked keyword) split by invisible characters: stored as spam,
              or refused.
 3. bidi      a name opening with an unpaired override or isolate: stored without it, and
              shown inside <bdi> or an element with dir="auto".
 4. url       crafted paths and query strings (NUL, `#`, raw %FF, huge ids, odd page numbers
              and language prefixes) in every public URL pattern, and unsigned or oversized
              cookies: status < 500.
 5. refusal   the page after a refused post (400 empty comment or reply, 409 duplicate,
              429 flood): no link
              (href, hreflang, canonical, og:url) to the POST address, and a GET there is
              not 405.
 6. host      50 `Host: 127.0.0.1:<n>` variants per page, and malformed Host values: the Redis
              page cache does not grow (keys counted under this run's own CACHE_KEY_PREFIX,
              deleted at the end; without Redis the kind is skipped).
 7. ipv4map   IPv4-mapped IPv6 addresses in X-Forwarded-For share the IPv4 address's flood
              slot (second post 429) and its block-list entry (stored as spam).
 8. body      oversized and malformed bodies, CSRF failures, bad reply ids and websites: the
              right 4xx, with the visitor's text (or its first part) in the page; the admin
              login with a NUL or an override in the user name: no 5xx.

Each server's log is read at the end: exceptions other than those Django logs while
answering 400 (DisallowedHost, RequestDataTooBig…) are listed as notes.

The server is started three times (one database): the main settings (comments approved
for a known e-mail address, no flood window, `casino` blocked, Redis page cache), a flood
window with trusted X-Forwarded-For, and a block list. The known address is made known by
approving its first (held) comment in the throwaway database, the only direct write.
A comment that broke a feed is set to `removed` there too, so the next case starts from
working feeds (the case itself stays FAILED).

    .venv/bin/python bench/hostile_inputs.py [--root CHECKOUT] [--json out.json] [--logs DIR]

`--root` serves another checkout (an older commit, to compare); it needs `.venv` or runs
with this interpreter. Requests go to 127.0.0.1 only; the whole run takes about a minute.
"""

import argparse
import collections
import concurrent.futures
import contextlib
import html.parser
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SEED_NAME = "000_ecb8479c0830c2d5.txt"
REDIS_URL = "redis://127.0.0.1:6379/14"
KNOWN_EMAIL = "census.reader@example.org"
BLOCKED_KEYWORD = "casino"
STARTUP_SECONDS = 40
REQUEST_SECONDS = 20
BUDGET_SECONDS = 150  # no new step starts after this; the whole run stays under 3 minutes

KINDS = {
    "control": "control characters in comments",
    "keyword": "blocked keyword split by invisibles",
    "bidi": "bidi controls opening a name",
    "url": "crafted URLs and cookies",
    "refusal": "page after a refused post",
    "host": "Host header variants vs page cache",
    "ipv4map": "IPv4-mapped addresses",
    "body": "oversized / malformed bodies",
}

# Characters that show nothing: alone in a field, the field is empty.
INVISIBLES = [
    0x00AD,  # soft hyphen
    0x115F,
    0x1160,
    0x3164,
    0xFFA0,  # Hangul fillers
    0x200B,
    0x200C,
    0x200D,
    0x2060,
    0xFEFF,  # zero-width space, non-joiner, joiner, word joiner, BOM
    0x200E,
    0x200F,
    0x061C,  # directional marks
    *range(0x202A, 0x202F),  # embeddings and overrides
    *range(0x2066, 0x206A),  # isolates
    0xFE0E,
    0xFE0F,
    0xE0100,  # variation selectors
    0x034F,
    0x180E,
    0x2061,
    0x17B4,
    0x2800,
    0xE0001,  # siblings: grapheme joiner, Mongolian separator, invisible operators, Khmer, Braille, tag
    0x00A0,
    0x3000,  # white space that str.split() may not see as such
]
CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0xFFFE, 0xFFFF]
WEBSITE_CHARACTERS = [0x01, 0x0B, 0x85, 0xFFFE, 0x202E, 0x200B]
KEYWORD_SPLITTERS = [0x200B, 0x00AD, 0x200D, 0x200C, 0x2060, 0xFEFF, 0x3164, 0x115F, 0xFFA0, 0xFE0F, 0x202C]
NAME_OPENERS = [0x202E, 0x202D, 0x202B, 0x202A, 0x2066, 0x2067, 0x2068]
BIDI_OPENERS = {0x202A, 0x202B, 0x202D, 0x202E}
BIDI_ISOLATES = {0x2066, 0x2067, 0x2068}


@dataclass
class Case:
    kind: str
    label: str
    held: bool
    answer: str
    input: str = ""


@dataclass
class Answer:
    status: int | None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str = ""

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def broken(self):
        """Why this answer fails any case (5xx, traceback, no answer), or ''."""
        if self.status is None:
            return f"no answer ({self.error})"
        if self.status >= 500:
            return f"{self.status}"
        if b"Traceback (most recent call last)" in self.body:
            return f"{self.status} with a traceback"
        return ""

    def cookies(self):
        found = {}
        for value in self.headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found

    def short(self):
        return f"{self.status}" if self.status is not None else f"no answer ({self.error})"


def codepoint(number):
    return f"U+{number:04X}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """A checkout served by gunicorn on 127.0.0.1, over a database prepared once."""

    def __init__(self, root, folder, seed):
        self.root = root
        self.folder = folder
        self.seed = seed
        self.database = folder / "site.sqlite3"
        self.python = root / ".venv" / "bin" / "python"
        if not self.python.exists():
            self.python = Path(sys.executable)
        self.gunicorn = self.python.parent / "gunicorn"
        self.process = None
        self.port = None
        self.log = None
        self.log_path = None
        self.starts = 0
        self.cache_prefix = f"census_{secrets.token_hex(6)}"

    def base_env(self, port):
        return {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "NEWSROOM_SITE_URL": f"http://127.0.0.1:{port}",
            "NEWSROOM_KOREAN_ANALYSER": "off",
            "SQLITE_PATH": str(self.database),
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "STATIC_ROOT": str(self.folder / "static"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "",
            "NEWSROOM_COMMENTS_MIN_SECONDS": "0",
            "NEWSROOM_COMMENTS_FLOOD_SECONDS": "0",
        }

    def prepare(self):
        """Migrate, collect static files, import the demo stories and the seed page."""
        env = self.base_env(8000)
        stories = [str(self.root / "demo" / "stories")]
        if self.seed.exists():
            stories.append(str(self.seed))
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["import_story", *stories]):
            done = subprocess.run(
                [str(self.python), "manage.py", *command],
                cwd=self.root,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if done.returncode:
                raise RuntimeError(f"manage.py {command[0]} failed:\n{(done.stdout + done.stderr)[-3000:]}")

    def start(self, **settings):
        """Start gunicorn with these extra settings; wait until the home page answers."""
        self.port = free_port()
        env = {**self.base_env(self.port), **settings}
        self.starts += 1
        self.log_path = self.folder / f"gunicorn-{self.starts}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(self.gunicorn), "newsroom.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers=2", "--threads=4"],
            cwd=self.root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.get("/en/").status == 200:
                return
            time.sleep(0.2)
        self.stop()
        log = self.log_path.read_text(errors="replace")
        raise RuntimeError(f"gunicorn did not serve /en/ within {STARTUP_SECONDS} s:\n{log[-3000:]}")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.log.close()

    # HTTP

    def request(self, method, path, *, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            collected = {}
            for name, value in response.getheaders():
                collected.setdefault(name.lower(), []).append(value)
            return Answer(response.status, collected, response.read())
        except (OSError, ValueError, http.client.HTTPException) as error:
            return Answer(None, error=f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def raw_request(self, line):
        """Send request bytes as they are (http.client refuses non-ASCII paths)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=REQUEST_SECONDS) as sock:
                sock.sendall(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                chunks = []
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
        except OSError as error:
            return Answer(None, error=f"{type(error).__name__}: {error}")
        head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        if not match:
            return Answer(None, error=f"no status line: {head[:80]!r}")
        return Answer(int(match.group(1)), body=body)

    # The throwaway database (this run's own file)

    def query(self, sql, parameters=()):
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as connection:
            return connection.execute(sql, parameters).fetchall()

    def write(self, sql, parameters=()):
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as connection, connection:
            connection.execute(sql, parameters)

    def comment_with(self, marker):
        """(id, status, author_name, text, author_url) of the comment whose text holds marker, or None."""
        rows = self.query(
            "SELECT id, status, author_name, text, author_url FROM comments_comment"
            " WHERE instr(text, ?) > 0 ORDER BY id DESC",
            (marker,),
        )
        return rows[0] if rows else None

    def last_comment_id(self):
        return self.query("SELECT coalesce(max(id), 0) FROM comments_comment")[0][0]


class Visitor:
    """A browser at one story: shows the form once, posts it as often as asked."""

    def __init__(self, site, story_path, forwarded_for=None):
        self.site = site
        self.story_path = story_path
        self.forwarded_for = forwarded_for
        self.cookies = {}
        self.hidden = {}

    def headers(self, cookies=True):
        headers = {}
        if cookies and self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        return headers

    def show_form(self):
        answer = self.site.get(self.story_path, headers=self.headers())
        if answer.status != 200:
            raise RuntimeError(f"story page {self.story_path} answered {answer.short()}")
        self.cookies.update(answer.cookies())
        page = answer.text
        values_url = re.search(r'<form id="comment-form"[^>]*\sdata-values-url="([^"]+)"', page)
        if values_url:
            # The shared page carries no per-visitor values: fetch them as its script does.
            values = self.site.get(values_url.group(1), headers=self.headers())
            if values.status != 200:
                raise RuntimeError(f"form values {values_url.group(1)} answered {values.short()}")
            self.cookies.update(values.cookies())
            self.hidden = json.loads(values.text)
            return self
        self.hidden = {
            name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
            for name in ("csrfmiddlewaretoken", "token")
        }
        return self

    def fields(self, text, name="Census Reader", email=KNOWN_EMAIL, **extra):
        return {**self.hidden, "text": text, "author_name": name, "author_email": email, **extra}

    def post(self, text, name="Census Reader", email=KNOWN_EMAIL, *, lang="en", cookies=True, **extra):
        return self.post_body(urllib.parse.urlencode(self.fields(text, name, email, **extra)), lang, cookies)

    def post_body(self, body, lang="en", cookies=True, content_type="application/x-www-form-urlencoded"):
        headers = {**self.headers(cookies), "Content-Type": content_type}
        return self.site.request("POST", post_path(self.story_path, lang), body=body, headers=headers)


def in_lang(path, lang):
    """The same address under another language prefix."""
    return re.sub(r"^/[a-z]{2}/", f"/{lang}/", path)


def post_path(story_path, lang="en"):
    """Where the story's comment form posts (POST only)."""
    return in_lang(story_path, lang) + "comments/"


class LinkCollector(html.parser.HTMLParser):
    """Every href, and the content of og:url, in a page."""

    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "meta" and attrs.get("property") == "og:url" and attrs.get("content"):
            self.links.append(attrs["content"])


class IsolationChecker(html.parser.HTMLParser):
    """Counts the places in text where `marker` shows, isolated (<bdi>, dir=auto) or not."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, marker):
        super().__init__()
        self.marker = marker
        self.open = []
        self.isolated = 0
        self.bare = 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append((tag, tag == "bdi" or dict(attrs).get("dir") == "auto"))

    def handle_endtag(self, tag):
        if any(name == tag for name, _ in self.open):
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        count = data.count(self.marker)
        if any(isolating for _, isolating in self.open):
            self.isolated += count
        else:
            self.bare += count


def unpaired_bidi(text):
    """Whether text opens an embedding, override or isolate it does not close (or closes one it did not open)."""
    embeddings = isolates = 0
    for char in text:
        number = ord(char)
        if number in BIDI_OPENERS:
            embeddings += 1
        elif number == 0x202C:
            if not embeddings:
                return True
            embeddings -= 1
        elif number in BIDI_ISOLATES:
            isolates += 1
        elif number == 0x2069:
            if not isolates:
                return True
            isolates -= 1
    return bool(embeddings or isolates)


def parses_as_xml(answer):
    try:
        ElementTree.fromstring(answer.body)
    except ElementTree.ParseError as error:
        return f"not XML ({error})"
    return ""


class Census:
    """The cases, kind by kind, against one Site."""

    def __init__(self, site, stories):
        self.site = site
        self.story, self.other_story = stories
        self.cases = []
        self.serial = 0

    def record(self, kind, label, problem, answer, given=""):
        self.cases.append(Case(kind, label, not problem, problem or answer, given))

    def marker(self, prefix):
        self.serial += 1
        return f"{prefix}{self.serial:04d}z{secrets.token_hex(3)}"

    # Run 1: main settings

    def make_known_commenter(self):
        """Post once with KNOWN_EMAIL and approve that comment: the site then approves its next ones."""
        marker = self.marker("known")
        answer = Visitor(self.site, self.story).show_form().post(f"First comment of the census reader {marker}")
        row = self.site.comment_with(marker)
        if row is None:
            raise RuntimeError(f"the first comment was not stored (answer {answer.short()})")
        self.site.write("UPDATE comments_comment SET status = 'approved' WHERE id = ?", (row[0],))

    def stored_as_spam(self, answer, marker):
        """(problem, note) for a post that must be stored as spam, or refused."""
        if answer.broken():
            return answer.broken(), ""
        if answer.status >= 400:
            return "", ""
        row = self.site.comment_with(marker)
        if row is None:
            return f"{answer.status} but not stored", ""
        return ("" if row[1] == "spam" else f"stored as {row[1]}"), f", stored {row[1]}"

    def after_checks(self):
        """The story pages, its comment feeds in both languages and the sitemap: '' or what broke."""
        checked = {}  # short name -> (path, whether it must parse as XML)
        for lang in ("en", "ko"):
            checked[f"{lang} story"] = (in_lang(self.story, lang), False)
            for ext in ("rss", "atom"):
                checked[f"{lang} comments {ext}"] = (in_lang(self.story, lang) + f"comments/feed.{ext}", True)
        checked["sitemap"] = ("/sitemap.xml", True)
        checked["stories sitemap"] = ("/sitemap-stories.xml", True)
        paths = [path for path, _ in checked.values()]
        with concurrent.futures.ThreadPoolExecutor(len(paths)) as pool:
            answers = list(pool.map(self.site.get, paths))
        problems = []
        for (name, (_, xml)), answer in zip(checked.items(), answers, strict=True):
            problem = answer.broken() or (answer.status != 200 and str(answer.status))
            if not problem and xml:
                problem = parses_as_xml(answer)
            if problem:
                problems.append(f"{name} {problem}")
        return "; ".join(problems)

    def control_characters(self):
        """Kind 1: one post per character and field, then the pages and feeds that show it."""
        visitor = Visitor(self.site, self.story).show_form()
        variants = [(number, where) for where in ("text", "name") for number in CONTROLS + INVISIBLES]
        variants += [(number, "website") for number in WEBSITE_CHARACTERS]
        for number, where in variants:
            char = chr(number)
            invisible = number in INVISIBLES and where != "website"
            marker = self.marker("ctl")
            fields = {"text": f"A comment with an odd {where} {marker}", "name": "Census Reader", "website": ""}
            fields[where] = (
                char
                if invisible
                else {
                    "text": f"Line one{char}line two {marker}",
                    "name": f"Census{char}Reader",
                    "website": f"https://example.org/a{char}b",
                }[where]
            )
            first_id = self.site.last_comment_id()
            answer = visitor.post(fields["text"], fields["name"], author_url=fields["website"])
            problem = answer.broken()
            if not problem and invisible:
                if not 400 <= answer.status < 500:
                    problem = f"invisible-only {where} answered {answer.status}, not refused"
                elif 'name="text"' not in answer.text:
                    problem = f"{answer.status} without the form"
            if not problem:
                problem = self.after_checks()
                if problem:
                    # Leave the next case working feeds; this one stays FAILED.
                    self.site.write("UPDATE comments_comment SET status = 'removed' WHERE id > ?", (first_id,))
            label = f"{codepoint(number)} {'alone ' if invisible else ''}in {where}"
            row = self.site.comment_with(marker) if answer.status == 303 else None
            stored = f", stored {row[1]}" if row else ""
            if row and where == "website":
                stored += f" as {row[4]!r}"
            self.record("control", label, problem, f"post {answer.short()}{stored}", f"{where}={fields[where]!r}")

    def remembered_names(self):
        """ "Save my name" with odd names: the cookie it sets fills the next page's form."""
        names = [
            "Census\u2028Reader",
            '"Quoted"; Reader=1',
            "Census \U0001f469\u200d\U0001f4bb Reader",
            "Census\x85Reader",
        ]
        for name in names:
            visitor = Visitor(self.site, self.story).show_form()
            answer = visitor.post(f"Remember me {self.marker('rem')}", name, remember="on")
            problem = answer.broken() or ("" if answer.status == 303 else f"post answered {answer.status}")
            if not problem:
                visitor.cookies.update(answer.cookies())
                page = self.site.get(self.story, headers=visitor.headers())
                field = re.search(r'<input[^>]*name="author_name"[^>]*>', page.text)
                filled = field and re.search(r'value="[^"]+"', field.group(0))
                problem = page.broken() or (f"next page {page.status}" if page.status != 200 else "")
                problem = problem or ("" if filled else "the next page's form has no name")
            self.record("control", f"remembered name {name!r}", problem, f"post {answer.short()}", repr(name))

    def keyword_bypasses(self):
        """Kind 2: the blocked keyword with an invisible character inside."""
        visitor = Visitor(self.site, self.story).show_form()
        words = [(f"ca{chr(n)}sino", f"ca {codepoint(n)} sino") for n in KEYWORD_SPLITTERS]
        words += [
            ("\u200b".join(BLOCKED_KEYWORD), "U+200B between every letter"),
            ("ＣＡＳＩＮＯ", "full-width CASINO"),
        ]
        for word, label in words:
            marker = self.marker("kw")
            answer = visitor.post(f"Best {word} bonus tonight {marker}")
            problem, stored = self.stored_as_spam(answer, marker)
            self.record("keyword", label, problem, f"post {answer.short()}{stored}", repr(word))

    def bidi_names(self):
        """Kind 3: a name opening with a bidi control, as stored and as shown."""
        visitor = Visitor(self.site, self.story).show_form()
        for number in NAME_OPENERS:
            marker = self.marker("Bidi")
            name = f"{chr(number)}Census {marker}-name"
            answer = visitor.post(f"A comment by a name with bidi controls {marker}", name)
            problem = answer.broken()
            row = self.site.comment_with(marker) if not problem else None
            if not problem and row is None:
                problem = f"post {answer.status}, comment not stored"
            elif not problem and unpaired_bidi(row[2]):
                problem = f"stored name {row[2]!r} keeps an unpaired control"
            if not problem:
                # The comment's own page of comments (the 303's Location), where its name shows.
                location = urllib.parse.urlsplit(answer.headers.get("location", [self.story])[0])
                page = self.site.get(location.path + (f"?{location.query}" if location.query else ""))
                checker = IsolationChecker(f"{marker}-name")
                checker.feed(page.text)
                if page.broken():
                    problem = f"story page {page.broken()}"
                elif checker.bare or not checker.isolated:
                    problem = f"name shown {checker.bare} time(s) outside <bdi>/dir=auto, {checker.isolated} inside"
            self.record("bidi", f"{codepoint(number)} opening the name", problem, f"post {answer.short()}", repr(name))

    def crafted_urls(self):
        """Kind 4: crafted paths, query strings and cookies."""
        slug = self.story.strip("/").split("/")[-1]
        patterns = [
            "/en/tags/{}/",
            "/en/tags/{}/feed.rss",
            "/en/outlets/{}/",
            "/en/reporters/{}/",
            "/en/stories/{}/",
            "/en/stories/{}/comments/feed.rss",
            "/ko/stories/{}/comments/feed.atom",
            "/en/comments/{}/",
            "/en/comments/{}/report/",
        ]
        values = ["%00", "%23", "%FF", "99999999999999999999"]
        paths = [pattern.format(value) for pattern in patterns for value in values]
        paths += [f"/en/comments/{number}/" for number in ("2147483648", "9223372036854775808", "0", "-1")]
        paths += ["/en/comments/9223372036854775808/report/"]
        pages = ["-1", "0", "99999999999999999999", "%EF%BC%91", "%00", "%FF"]
        paths += [f"/en/?page={page}" for page in pages]
        paths += [f"/en/stories/{slug}/?cpage={page}" for page in pages]
        paths += [f"/en/stories/{slug}/?replytocom={value}" for value in ("%00", "-1", "99999999999999999999", "x")]
        paths += [f"/en/search/?q={query}" for query in ("%00", "a%00b", "%FF", "x" * 3000)]
        paths += [f"/en/search/?q=Ukraine&page={page}" for page in ("-1", "99999999999999999999", "%00")]
        paths += ["/EN/", "/ko-KR/", "/zz/", "/en/ko/", "//en/", "/%00/", "/en%00/"]
        paths += ["/en/feeds/stories.rss?page=%00", "/sitemap.xml?p=%00"]
        for path in paths:
            answer = self.site.get(path)
            self.record("url", path if len(path) < 80 else path[:60] + "…", answer.broken(), answer.short(), path)
        cookies = [
            "newsroom_own_comments=%00",
            "newsroom_comment_author=garbage:not-signed",
            "csrftoken=" + "A" * 4000,
        ]
        for cookie in cookies:
            answer = self.site.get(self.story, headers={"Cookie": cookie})
            self.record("url", f"story page, Cookie: {cookie[:40]}", answer.broken(), answer.short(), cookie[:80])
        for raw in (b"GET /en/tags/\xff/ HTTP/1.1", b"GET /en/search/?q=\xff\xfe HTTP/1.1", b"GET /\xffen/ HTTP/1.1"):
            answer = self.site.raw_request(raw)
            shown = raw.decode("latin-1")
            self.record("url", f"raw bytes: {shown!r}", answer.broken(), answer.short(), shown)

    def refused_page(self, label, answer, expected):
        """A case for the page answering a refused post: its links, and a GET on the POST address."""
        problems = [answer.broken() or ("" if answer.status == expected else f"answered {answer.status}")]
        if not problems[0]:
            collector = LinkCollector()
            collector.feed(answer.text)
            forbidden = {post_path(self.story, lang) for lang in ("en", "ko")}
            bad = {link for link in collector.links if urllib.parse.urlsplit(link).path in forbidden}
            if bad:
                problems.append(f"{len(bad)} link(s) to the POST address, e.g. {min(bad, key=len)}")
            for lang in ("en", "ko"):
                followed = self.site.get(post_path(self.story, lang))
                if followed.broken() or followed.status == 405:
                    problems.append(f"GET on /{lang}/…/comments/ answered {followed.short()}")
        self.record("refusal", label, "; ".join(filter(None, problems)), f"post {answer.short()}")

    def refused_posts(self):
        """Kind 5 (400 and 409): the refused comment's page in both languages."""
        visitor = Visitor(self.site, self.story).show_form()
        for lang in ("en", "ko"):
            self.refused_page(f"empty comment, /{lang}/ (400)", visitor.post("", lang=lang), 400)
            text = f"Said twice on purpose {self.marker('dup')}"
            visitor.post(text, lang=lang)
            self.refused_page(f"duplicate comment, /{lang}/ (409)", visitor.post(text, lang=lang), 409)
        # A refused reply: the page shows "Replying to … — cancel", a link of its own.
        marker = self.marker("parent")
        visitor.post(f"A comment to reply to {marker}")
        parent = self.site.comment_with(marker)[0]
        for lang in ("en", "ko"):
            answer = visitor.post("", lang=lang, parent=str(parent))
            self.refused_page(f"empty reply, /{lang}/ (400)", answer, 400)

    def host_variants(self):
        """Kind 6: Host header variants of cached story pages, counted in Redis."""

        def keys():
            found = subprocess.run(
                ["redis-cli", "-u", REDIS_URL, "--scan", "--pattern", f"{self.site.cache_prefix}*"],
                capture_output=True,
                text=True,
                check=True,
                timeout=30,
            )
            return len(found.stdout.split())

        pages = [self.story, in_lang(self.story, "ko"), self.story + "?cpage=2", self.other_story]
        for number, page in enumerate(pages):
            self.site.get(page)  # the canonical copy, cached once
            before = keys()
            problems = []
            for port in range(20000 + number * 100, 20050 + number * 100):
                answer = self.site.get(page, headers={"Host": f"127.0.0.1:{port}"})
                if answer.broken():
                    problems.append(f"Host 127.0.0.1:{port} {answer.broken()}")
            grown = keys() - before
            if grown > 0:  # the canonical copy was cached before: any new key is a per-Host copy
                problems.insert(0, f"cache grew by {grown} keys for 50 variants")
            self.record(
                "host", f"50 Host variants of {page}", "; ".join(problems[:3]), f"{before} keys, +{grown}", page
            )
        for host in ("127.0.0.1:99999", "127.0.0.1:abc", "127.0.0.1:", "127.0.0.1.", "[::ffff:127.0.0.1]:80"):
            before = keys()
            answer = self.site.get(self.story, headers={"Host": host})
            grown = keys() - before
            problem = answer.broken() or (f"cache grew by {grown} keys" if grown > 0 else "")
            self.record("host", f"Host: {host}", problem, f"{answer.short()}, +{grown} keys", host)

    def bodies(self):
        """Kind 8: oversized and malformed posts."""
        visitor = Visitor(self.site, self.story).show_form()
        slug_marker = self.marker("body")

        def case(label, answer, expected, text, check_text=True):
            problem = answer.broken()
            if not problem and answer.status not in expected:
                problem = f"answered {answer.status}, not {'/'.join(map(str, expected))}"
            if not problem and check_text and text[:200] not in answer.text:
                problem = f"{answer.status} without the visitor's text"
            self.record("body", label, problem, answer.short(), f"text {text[:40]!r}… ({len(text)} chars)")

        long_text = f"Long comment {slug_marker} " + "word " * 1100
        case("comment over 5,000 characters", visitor.post(long_text), {400}, long_text)
        huge_text = f"Huge body {slug_marker} " + "x" * 2_700_000
        case("body over 2.5 MB", visitor.post(huge_text), {413}, huge_text)
        text = f"Posted without a CSRF cookie {slug_marker}"
        case("no CSRF cookie", visitor.post(text, cookies=False), {403}, text)
        text = f"Posted with a wrong CSRF token {slug_marker}"
        case("wrong CSRF token", visitor.post(text, csrfmiddlewaretoken="x" * 64), {403}, text)
        text = f"Posted with a tampered form token {slug_marker}"
        case("tampered form token", visitor.post(text, token="tampered"), {400}, text)
        text = f"Posted with a very long name {slug_marker}"
        case("name over 100 characters", visitor.post(text, "N" * 300), {400}, text)
        parents = [("99999999999999999999", "past 64 bits"), ("-1", "negative")]
        slug = self.story.strip("/").split("/")[-1]
        elsewhere = self.site.query(
            "SELECT c.id FROM comments_comment c JOIN articles_story s ON s.id = c.story_id"
            " WHERE s.slug != ? AND c.status = 'approved' ORDER BY c.id LIMIT 1",
            (slug,),
        )
        parents += [(str(row[0]), "of another story's comment") for row in elsewhere]
        for parent, label in parents:
            text = f"A reply to parent {parent} {self.marker('body')}"
            case(f"reply to a parent id {label}", visitor.post(text, parent=parent), {400, 404, 409}, text)
        text = f"A website that runs script {slug_marker}"
        case("javascript: website", visitor.post(text, author_url="javascript:alert(1)"), {400}, text)
        text = f"An address with a NUL {slug_marker}"
        case("e-mail with NUL", visitor.post(text, email="census\x00@example.org"), {400}, text)
        fields = urllib.parse.urlencode(visitor.fields("placeholder")).replace("placeholder", "caf%FF%FEbytes")
        case("text with invalid UTF-8 bytes", visitor.post_body(fields), {303, 400}, "", check_text=False)
        fields = urllib.parse.urlencode(visitor.fields(f"Many fields {slug_marker}")) + "&x=1" * 1200
        case("over 1,000 fields", visitor.post_body(fields), {400}, "", check_text=False)
        answer = visitor.post_body(b"--x\r\n", content_type="multipart/form-data")
        case("multipart without boundary", answer, {400, 403}, "", check_text=False)

    def admin_login(self):
        """The one public form besides comments: a NUL or a bidi override in the user name."""
        for username in ("census\x00admin", "\u202eadmin", "admin\x0b"):
            login = self.site.get("/admin/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
            cookies = "; ".join(f"{name}={value}" for name, value in login.cookies().items())
            fields = {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": username,
                "password": "x" * 12,
            }
            headers = {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}
            answer = self.site.request("POST", "/admin/login/", body=urllib.parse.urlencode(fields), headers=headers)
            problem = answer.broken() or ("" if answer.status in (200, 400, 403, 429) else f"answered {answer.status}")
            self.record("body", f"admin login, user name {username!r}", problem, answer.short(), repr(username))

    # Run 2: flood window, trusted X-Forwarded-For

    def flood_pairs(self):
        """Kind 7 (flood slot) and kind 5 (429): two posts in a row from one address."""
        pairs = [
            ("::ffff:198.51.100.7", "198.51.100.7"),
            ("198.51.100.8", "::ffff:198.51.100.8"),
            ("::FFFF:198.51.100.9", "::ffff:c633:6409"),
            ("[::ffff:198.51.100.10]:51234", "198.51.100.10:443"),
        ]
        for first, second in pairs:
            Visitor(self.site, self.story, first).show_form().post(f"First post {self.marker('fl')}")
            answer = Visitor(self.site, self.story, second).show_form().post(f"Second post {self.marker('fl')}")
            problem = answer.broken() or ("" if answer.status == 429 else f"second post answered {answer.status}")
            given = f"X-Forwarded-For {first!r} then {second!r}"
            self.record("ipv4map", f"flood: {first} then {second}", problem, f"second post {answer.short()}", given)
        for lang, address in (("en", "203.0.113.21"), ("ko", "203.0.113.22")):
            visitor = Visitor(self.site, self.story, address).show_form()
            visitor.post(f"Flood first {self.marker('fl')}", lang=lang)
            answer = visitor.post(f"Flood second {self.marker('fl')}", lang=lang)
            self.refused_page(f"flood, /{lang}/ (429)", answer, 429)

    # Run 3: block list

    def blocked_addresses(self):
        """Kind 7 (block list): mapped addresses against IPv4 entries, and the reverse."""
        for address, label in [
            ("::ffff:198.51.100.7", "mapped address, IPv4 network blocked"),
            ("::ffff:c633:640a", "mapped address in hex, IPv4 network blocked"),
            ("203.0.113.5", "IPv4 address, mapped network blocked"),
            ("198.51.100.11", "IPv4 address, IPv4 network blocked (baseline)"),
        ]:
            marker = self.marker("ip")
            answer = Visitor(self.site, self.story, address).show_form().post(f"From a blocked network {marker}")
            problem, stored = self.stored_as_spam(answer, marker)
            given = f"X-Forwarded-For {address}"
            self.record("ipv4map", f"block list: {label}", problem, f"post {answer.short()}{stored}", given)


def story_paths(site):
    """The story to comment on (the seed's when imported) and another published one."""
    slugs = [row[0] for row in site.query("SELECT slug FROM articles_story ORDER BY id")]
    headline = site.seed.read_text(encoding="utf-8").splitlines()[0] if site.seed.exists() else ""
    seed_slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")
    slugs.sort(key=lambda slug: not seed_slug.startswith(slug))
    return [f"/en/stories/{slug}/" for slug in slugs[:2]]


# Exceptions Django logs with a traceback while it answers 400 (django.security and friends).
REFUSALS = re.compile(
    r"(DisallowedHost|RequestDataTooBig|TooManyFieldsSent|TooManyFilesSent|SuspiciousMultipartForm"
    r"|MultiPartParserError|SuspiciousOperation|SuspiciousFileOperation|InvalidSessionKey|BadRequest)\b"
)


def unexpected_exceptions(log):
    """The last exception line of each traceback in a server log, but those of Django's refusals."""
    found = []
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if not line.startswith("Traceback (most recent call last)"):
            continue
        end = next((i for i in range(index + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), None)
        if end is None:
            continue
        chained = end + 2 < len(lines) and lines[end + 2].startswith(("The above exception", "During handling"))
        if not chained and not REFUSALS.search(lines[end]):
            found.append(lines[end])
    return found


def redis_available():
    try:
        result = subprocess.run(["redis-cli", "-u", REDIS_URL, "ping"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.stdout.strip() == "PONG"


def delete_own_keys(prefix):
    found = subprocess.run(
        ["redis-cli", "-u", REDIS_URL, "--scan", "--pattern", f"{prefix}*"], capture_output=True, text=True, timeout=30
    ).stdout.split()
    for start in range(0, len(found), 500):
        subprocess.run(
            ["redis-cli", "-u", REDIS_URL, "del", *found[start : start + 500]], capture_output=True, timeout=30
        )


def run_census(root, seed, logs=None):
    """Every case against the checkout at root; returns (cases, notes). Server logs go to `logs`."""
    notes = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hostile-inputs-") as folder:
        site = Site(root, Path(folder), seed)
        site.prepare()
        census = Census(site, story_paths(site))
        redis = redis_available()
        if not redis:
            notes.append("Redis not answering at 127.0.0.1:6379: the host kind was skipped")
        main_settings = {"NEWSROOM_COMMENTS_BLOCKED_KEYWORDS": BLOCKED_KEYWORD}
        if redis:
            main_settings |= {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": site.cache_prefix}
        runs = [
            (
                main_settings,
                [
                    census.make_known_commenter,
                    census.control_characters,
                    census.remembered_names,
                    census.keyword_bypasses,
                    census.bidi_names,
                    census.crafted_urls,
                    census.refused_posts,
                    *([census.host_variants] if redis else []),
                    census.bodies,
                    census.admin_login,
                ],
            ),
            (
                {"NEWSROOM_COMMENTS_FLOOD_SECONDS": "600", "NEWSROOM_TRUST_X_FORWARDED_FOR": "1"},
                [census.flood_pairs],
            ),
            (
                {
                    "NEWSROOM_TRUST_X_FORWARDED_FOR": "1",
                    "NEWSROOM_COMMENTS_BLOCKED_IPS": "198.51.100.0/24,::ffff:203.0.113.0/120",
                },
                [census.blocked_addresses],
            ),
        ]
        try:
            for settings, steps in runs:
                site.start(**settings)
                try:
                    for step in steps:
                        if time.monotonic() - started > BUDGET_SECONDS:
                            notes.append(f"time budget ({BUDGET_SECONDS} s) spent: {step.__name__} skipped")
                            continue
                        step()
                finally:
                    site.stop()
        finally:
            site.stop()
            if redis:
                delete_own_keys(site.cache_prefix)
            for log in sorted(Path(folder).glob("gunicorn-*.log")):
                unexpected = unexpected_exceptions(log.read_text(errors="replace"))
                notes.append(f"server log {log.name}: {len(unexpected)} exception(s) other than Django's refusals")
                counted = collections.Counter(line[:200] for line in unexpected)
                notes.extend(f"  {count} × {line}" for line, count in counted.most_common(10))
                if logs:
                    logs.mkdir(parents=True, exist_ok=True)
                    shutil.copy(log, logs / log.name)
    return census.cases, notes


def print_report(root, cases, notes, seconds):
    commit = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    print(f"Hostile inputs against {root} ({commit.stdout.strip()[:70]}), {seconds:.0f} s\n")
    print(f"{'kind':<10} {'what':<38} {'tried':>5} {'held':>5} {'failed':>6}")
    for kind, what in KINDS.items():
        mine = [case for case in cases if case.kind == kind]
        held = sum(case.held for case in mine)
        print(f"{kind:<10} {what:<38} {len(mine):>5} {held:>5} {len(mine) - held:>6}")
    held = sum(case.held for case in cases)
    print(f"{'total':<10} {'':<38} {len(cases):>5} {held:>5} {len(cases) - held:>6}")
    for note in notes:
        print(f"note: {note}")
    failed = [case for case in cases if not case.held]
    if failed:
        print("\nFAILED:")
        for case in failed:
            given = f"  input: {case.input}" if case.input and case.input != case.label else ""
            print(f"  [{case.kind}] {case.label}: {case.answer}{given}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to serve (default: this one)")
    parser.add_argument("--seed", type=Path, help=f"the seed page (default: ROOT/../shared/seed/{SEED_NAME})")
    parser.add_argument("--json", type=Path, help="also write the cases to this file")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    args = parser.parse_args()
    root = args.root.resolve()
    seed = args.seed or root.parent / "shared" / "seed" / SEED_NAME
    if not shutil.which("redis-cli"):
        print("redis-cli not found: the host kind will be skipped", file=sys.stderr)
    started = time.monotonic()
    cases, notes = run_census(root, seed, args.logs)
    seconds = time.monotonic() - started
    print_report(root, cases, notes, seconds)
    if args.json:
        summary = {
            kind: {
                "tried": sum(case.kind == kind for case in cases),
                "held": sum(case.kind == kind and case.held for case in cases),
            }
            for kind in KINDS
        }
        document = {"root": str(root), "seconds": round(seconds), "summary": summary, "notes": notes}
        document["cases"] = [asdict(case) for case in cases]
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
