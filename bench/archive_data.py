"""A generated archive for bench/archive.py: outlets, sections, hashtags, reporters, stories over years
of publication, corrections, front-page pins, and comments spread unevenly over the stories.

`make_archive(stories, comments)` fills the configured database (Django set up, migrated, empty)
and returns an `Archive`: what it made and the addresses the benchmark asks for.

The many rows (stories, hashtag links, corrections, commenters, comments) go in as plain INSERTs,
`executemany` in batches of BATCH rows, one transaction each, with explicit ids (a reply's `thread`
and `parent` are known before their rows exist): `bulk_create` spent most of its time building
instances and SQL, not in the database (1,000,000 comments on SQLite: 331 s with `bulk_create`, 95 s
this way). Neither calls `save()`, so what `Story.save()`, `Hashtag.save()` and `Comment.save()` fill
is filled here the same way: bodies cleaned into the rich-text format with their plain text
(`Story.store_bodies`), `reporter_slug`, the text-edit times, the hashtag's slug, a comment's
fingerprint, thread, depth and commenter; every other column takes its field's default. The search
index is kept by the database's own triggers, as for every insert. Page versions stay at 0 (a
fresh page cache); the few outlets, sections and pins are saved through the ORM.

The archive grows as a newsroom's does: `STORIES_PER_DAY` stories a day whatever its size, so a
larger archive is a longer history (100,000 stories: ten years), and the recent days (the news
sitemap, the feeds, the front page) hold the same stories at every size. Comments average
`comments / stories` per public story, log-normally: most stories have a few, some thousands.
One story, `Archive.big_story`, has `BIG_STORY_COMMENTS` at every size, for its page times.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import (
    Correction,
    FrontPagePin,
    Hashtag,
    Outlet,
    Section,
    Story,
    StoryHashtag,
    hashtag_slug,
    name_slug,
)
from articles.rich_text import body_text, clean_body_html
from bench.archive_words import (
    COMMENT_SENTENCES,
    FIRST_NAMES,
    GIVEN,
    HARBOUR_SENTENCE,
    KOREAN_BYLINES,
    KOREAN_COMMENTS,
    KOREAN_SENTENCES,
    KOREAN_TOPICS,
    LAST_NAMES,
    OBJECTS,
    SENTENCES,
    SEOUL_SENTENCE,
    SPAM_TEXT,
    SUBJECTS,
    SURNAMES,
    TOPICS,
    USER_AGENTS,
    VERBS,
)
from comments.models import Comment, Commenter, text_fingerprint

# 100,000 stories over ten years (3,652 days): what a mid-sized newsroom publishes.
STORIES_PER_DAY = 100_000 / 3652
BIG_STORY_COMMENTS = 1000
# Stories in the headline of which SEARCH_RARE stands, at every size: a search with as many matches.
RARE_WORD_STORIES = 20
SEARCH_RARE = "Zanzibar"
# A common word (in two stories in three: several sentences have it), and a two-letter Korean word
# (searched with a scan on SQLite; in one story in ten).
SEARCH_COMMON = "harbour"
SEARCH_SHORT_KOREAN = "서울"
BATCH = 5000

OUTLETS = [
    ("Han River Daily", "Asia/Seoul", 30),
    ("Busan Harbour Post", "Asia/Seoul", 20),
    ("Jeju Evening", "Asia/Seoul", 8),
    ("Baltic Courier", "Europe/Tallinn", 15),
    ("Pacific Ledger", "America/Los_Angeles", 12),
    ("Newsroom Wire", "UTC", 15),
]
SECTIONS = [
    ("World", "세계"),
    ("Korea", "한국"),
    ("Business", "경제"),
    ("Culture", "문화"),
    ("Science", "과학"),
    ("Sport", "스포츠"),
    ("Opinion", "오피니언"),
    ("Local", "지역"),
]
# Of the comments: held for a moderator, spam, removed; the rest approved. A third are replies.
HELD, SPAM, REMOVED = 0.05, 0.04, 0.01
REPLIES = 0.3


@dataclass
class Archive:
    """What `make_archive` made: row counts, the slugs of the pages the benchmark asks for (the story
    with BIG_STORY_COMMENTS comments, the most used hashtag, the largest section and outlet, the most
    prolific reporter), and the seconds each step took."""

    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    big_story: str = ""
    hashtag: str = ""
    section: str = ""
    outlet: str = ""
    reporter: str = ""


class Timer:
    """A context manager adding its block's wall-clock seconds to `archive.seconds[step]`."""

    def __init__(self, archive, step):
        self.archive, self.step = archive, step

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.archive.seconds[self.step] = self.archive.seconds.get(self.step, 0) + time.perf_counter() - self.started


def zipf_weights(count, exponent=1.0):
    """Cumulative weights of `count` ranks, rank r weighing 1 / (r + 1) ** exponent: a few much used."""
    total, cumulative = 0.0, []
    for rank in range(count):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)
    return cumulative


def insert_rows(model, rows):
    """INSERT `rows` (dicts of field attribute names, `id` included) into `model`'s table, BATCH rows to a
    transaction; a column a row does not name takes its field's default (a field with `auto_now` has
    none: the row gives it). Returns how many.

    Datetimes are adapted as the backend stores them (`adapt_datetimefield_value`: text in UTC on SQLite).
    """
    fields = list(model._meta.concrete_fields)
    defaults = {field.attname: field.get_default() for field in fields}
    adapt = connection.ops.adapt_datetimefield_value
    datetimes = {field.attname for field in fields if isinstance(field, models.DateTimeField)}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    names = [field.attname for field in fields]
    count = 0
    for start in range(0, len(rows), BATCH):
        values = []
        for row in rows[start : start + BATCH]:
            merged = {**defaults, **row}
            values.append([adapt(merged[name]) if name in datetimes else merged[name] for name in names])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, values)
        count += len(values)
    return count


def hashtag_names():
    """Three hundred distinct hashtags: topics in English and Korean, and topics of a year."""
    names = [*TOPICS, *KOREAN_TOPICS]
    year = 2017
    while len(names) < 300:
        names.extend(f"{topic}{year}" for topic in TOPICS[:20])
        year += 1
    return list(dict.fromkeys(names))[:300]


def bylines():
    """Two hundred and ten bylines: romanised Korean names, Estonian and English ones, a few in Hangul."""
    names = [f"{surname} {given}" for surname in SURNAMES for given in GIVEN]
    names += [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return names + KOREAN_BYLINES


def body_pool(rng, size, sentences, marked, marked_share):
    """`size` bodies as a save stores them, (html, plain text): 4 to 6 paragraphs of `sentences`,
    some with bold, a link or a subheading, cleaned by `clean_body_html`; `marked` (a sentence) stands
    in about `marked_share` of them."""
    pool = []
    for number in range(size):
        paragraphs = [" ".join(rng.sample(sentences, 3)) for _ in range(rng.randint(4, 6))]
        if rng.random() < marked_share:
            paragraphs[rng.randrange(len(paragraphs))] += " " + marked
        if number % 3 == 0:
            paragraphs[1] = f'<strong>{paragraphs[1]}</strong> <a href="https://source.example/{number}">Source</a>'
        html = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        if number % 4 == 0:
            html = html.replace("</p><p>", "</p><h2>What happens next</h2><p>", 1)
        cleaned = clean_body_html(html)
        pool.append((cleaned, body_text(cleaned)))
    return pool


def make_archive(stories, comments, seed=20261201):
    """Fill the empty, migrated database with `stories` stories and about `comments` comments.

    Returns an Archive. The same rows for a seed, but for the clock: times are counted back from now.
    """
    rng = random.Random(seed)
    archive = Archive()
    now = timezone.now().replace(microsecond=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # This connection only (closed at the end): the indexes of a million rows stay in memory.
            cursor.execute("PRAGMA cache_size = -524288")
    with Timer(archive, "outlets, sections, hashtags"):
        outlets = [
            Outlet.objects.create(name=name, homepage=f"https://{slugify(name)}.example/", time_zone=zone)
            for name, zone, _weight in OUTLETS
        ]
        # The migrations make the first sections (World, Korea, Culture); the others are added.
        sections = [
            Section.objects.update_or_create(name=name, defaults={"name_ko": name_ko, "position": position})[0]
            for position, (name, name_ko) in enumerate(SECTIONS)
        ]
        names = hashtag_names()
        rng.shuffle(names)  # the most used are not the first in the alphabet
        insert_rows(Hashtag, [{"id": pk, "name": name, "slug": hashtag_slug(name)} for pk, name in enumerate(names, 1)])
    with Timer(archive, "stories"):
        public, big_story = make_stories(rng, stories, now, outlets, sections, len(names))
    with Timer(archive, "corrections, pins"):
        make_corrections(rng, public, now)
        newest = sorted(public, key=lambda row: row[1], reverse=True)
        FrontPagePin.objects.create(story_id=newest[1][0], slot=FrontPagePin.Slot.LEAD)
        for position, row in enumerate(newest[2:5]):
            FrontPagePin.objects.create(story_id=row[0], slot=FrontPagePin.Slot.FEATURED, position=position)
    with Timer(archive, "comments"):
        archive.counts["comments"] = make_comments(rng, public, big_story, comments, now)
    made = [Hashtag, Story, StoryHashtag, Correction, Comment, Commenter]
    statements = connection.ops.sequence_reset_sql(no_style(), made)
    with connection.cursor() as cursor:
        for statement in statements:  # PostgreSQL's sequences; SQLite's AUTOINCREMENT follows by itself
            cursor.execute(statement)
    connection.close()
    published = Story.objects.published()
    archive.counts.update(
        stories=Story.objects.count(),
        public_stories=published.count(),
        hashtag_links=StoryHashtag.objects.count(),
        corrections=Correction.objects.count(),
        commenters=Commenter.objects.count(),
    )
    archive.big_story = Story.objects.values_list("slug", flat=True).get(pk=big_story)
    archive.hashtag = most_used(published.values_list("hashtags__slug", flat=True))
    archive.section = most_used(published.values_list("section__slug", flat=True))
    archive.outlet = most_used(published.values_list("outlet__slug", flat=True))
    archive.reporter = most_used(published.exclude(reporter_slug="").values_list("reporter_slug", flat=True))
    return archive


def most_used(values):
    """The most frequent of `values` (an iterable; None left out)."""
    counts = {}
    for value in values:
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    return max(counts, key=counts.get)


def make_stories(rng, count, now, outlets, sections, hashtags):
    """Insert `count` stories (ids 1…count, oldest first, STORIES_PER_DAY) and their 1 to 3 hashtags
    (of ids 1…`hashtags`, a few much used). A few are drafts or in review, a few scheduled for the
    next three days; about a third have Korean text; 5 % no byline, 10 % no section.

    Returns (public, big_story): public is a list of (id, published_at, comments open) of the stories
    readers see, big_story the id of the one that gets BIG_STORY_COMMENTS comments (the 30th newest
    public one with comments open).
    """
    english = body_pool(rng, 400, SENTENCES, HARBOUR_SENTENCE, 0.2)
    korean = body_pool(rng, 200, KOREAN_SENTENCES, SEOUL_SENTENCE, 0.3)
    names = bylines()
    reporter_weights = zipf_weights(len(names), 0.9)
    outlet_weights = [weight for _name, _zone, weight in OUTLETS]
    hashtag_ids = range(1, hashtags + 1)
    tag_weights = zipf_weights(hashtags, 1.0)
    spacing = 86400 / STORIES_PER_DAY
    rare = set(rng.sample(range(1, count + 1), min(RARE_WORD_STORIES, count)))
    scheduled = set(rng.sample(range(1, count + 1), max(2, count // 5000)))
    drafts = set(rng.sample(range(1, count + 1), max(3, count // 300)))
    public, rows, links = [], [], []
    for number in range(1, count + 1):
        published_at = now - dt.timedelta(seconds=(count - number + 1) * spacing + rng.uniform(0, spacing * 0.8))
        written_at = published_at
        status = Story.Status.PUBLISHED
        if number in scheduled:
            published_at = now + dt.timedelta(hours=rng.uniform(2, 72))
        elif number in drafts:
            status = rng.choice([Story.Status.DRAFT, Story.Status.IN_REVIEW])
            published_at = None if status == Story.Status.DRAFT else published_at
        headline = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if number in rare:
            headline += f" in {SEARCH_RARE}"
        body, body_plain = rng.choice(english)
        reporter = rng.choices(names, cum_weights=reporter_weights)[0] if rng.random() < 0.95 else ""
        row = {
            "id": number,
            "headline": headline,
            "slug": f"{slugify(headline)[:180]}-{number}",
            "intro": " ".join(rng.sample(SENTENCES, 2)),
            "body": body,
            "body_plain": body_plain,
            "body_ko": "",
            "body_ko_plain": "",
            "reporter": reporter,
            "reporter_slug": name_slug(reporter, Story._meta.get_field("reporter_slug").max_length),
            "outlet_id": rng.choices(outlets, weights=outlet_weights)[0].pk,
            "section_id": rng.choice(sections).pk if rng.random() < 0.9 else None,
            "source_url": f"https://source.example/stories/{number}" if rng.random() < 0.5 else "",
            "status": status,
            "published_at": published_at,
            "comments_enabled": rng.random() < 0.97,
            "created_at": written_at,
            "updated_at": written_at,
            "english_edited_at": written_at,
        }
        if rng.random() < 0.35:
            body_ko, body_ko_plain = rng.choice(korean)
            row.update(
                headline_ko=f"{rng.choice(KOREAN_TOPICS)} {rng.choice(KOREAN_SENTENCES)}",
                intro_ko=rng.choice(KOREAN_SENTENCES),
                body_ko=body_ko,
                body_ko_plain=body_ko_plain,
                korean_edited_at=written_at,
            )
        rows.append(row)
        tags = dict.fromkeys(rng.choices(hashtag_ids, cum_weights=tag_weights, k=rng.randint(1, 3)))
        links.extend({"story_id": number, "hashtag_id": tag, "position": position} for position, tag in enumerate(tags))
        if status == Story.Status.PUBLISHED and published_at <= now:
            public.append((number, published_at, row["comments_enabled"]))
    insert_rows(Story, rows)
    insert_rows(StoryHashtag, [{"id": pk, **link} for pk, link in enumerate(links, 1)])
    by_time = sorted(public, key=lambda row: row[1], reverse=True)
    big_story = next(row[0] for row in by_time[29:] if row[2])
    return public, big_story


def make_corrections(rng, public, now):
    """One correction for about one public story in 250, dated a day after it (or now, if sooner)."""
    picked = rng.sample(public, max(3, len(public) // 250))
    rows = []
    for pk, (story_id, published_at, _open) in enumerate(picked, 1):
        dated = min(published_at + dt.timedelta(days=1), now)
        text = f"An earlier version of this story gave the wrong date of the meeting ({story_id})."
        rows.append({"id": pk, "story_id": story_id, "published_at": dated, "text": text})
        rows[-1].update(created_at=dated, updated_at=dated)
    insert_rows(Correction, rows)


def comment_counts(rng, public, big_story, total):
    """{story id: number of comments}: BIG_STORY_COMMENTS for `big_story`, the rest of `total` log-normally
    over the public stories with comments open (most a few, some thousands)."""
    open_stories = [row[0] for row in public if row[2] and row[0] != big_story]
    rest = max(0, total - BIG_STORY_COMMENTS)
    weights = [rng.lognormvariate(0, 1.6) for _ in open_stories]
    scale = rest / sum(weights) if weights else 0
    counts = {story: int(weight * scale) for story, weight in zip(open_stories, weights, strict=True)}
    if open_stories:
        for story in rng.choices(open_stories, weights=weights, k=rest - sum(counts.values())):
            counts[story] += 1
    counts[big_story] = BIG_STORY_COMMENTS
    return counts


def make_commenters(rng, count):
    """Insert `count` commenters; returns [(commenter id, address, name)]. One in five writes a Korean name."""
    people = []
    for number in range(count):
        if rng.random() < 0.2:
            name = rng.choice("김이박최정강조윤장임") + rng.choice("민지서현은") + rng.choice("정훈연우지")
        else:
            name = f"{rng.choice(FIRST_NAMES)} {number}"
        people.append((number + 1, f"reader{number}@mail.example", name))
    insert_rows(Commenter, [{"id": pk, "email": Commenter.key_for(address)} for pk, address, _name in people])
    return people


def comment_text(rng, status):
    """A comment's text: SPAM_TEXT for spam, else one to three sentences (one comment in five Korean)."""
    if status == Comment.Status.SPAM:
        return SPAM_TEXT
    pool = KOREAN_COMMENTS if rng.random() < 0.2 else COMMENT_SENTENCES
    return " ".join(rng.sample(pool, rng.randint(1, 3)))


def comment_status(rng):
    roll = rng.random()
    if roll < SPAM:
        return Comment.Status.SPAM
    if roll < SPAM + HELD:
        return Comment.Status.PENDING
    if roll < SPAM + HELD + REMOVED:
        return Comment.Status.REMOVED
    return Comment.Status.APPROVED


def make_comments(rng, public, big_story, total, now):
    """Insert about `total` comments over the public stories (`comment_counts`); returns how many.

    Each story's comments come in time order from its publication (most in the first hours, within two
    days; a story with hundreds, within twenty); a third reply to one of the twenty comments before
    them, up to COMMENTS_MAX_DEPTH levels (a reply to the deepest goes beside its parent, as posting
    puts it). Statuses: HELD, SPAM, REMOVED, the rest approved; one comment in ten has no e-mail
    address (and so no commenter). A few comments of the big story are editors' picks.
    """
    counts = comment_counts(rng, public, big_story, total)
    published = {row[0]: row[1] for row in public}
    people = make_commenters(rng, max(200, total // 15))
    people_weights = zipf_weights(len(people), 0.8)
    deepest = max(settings.COMMENTS_MAX_DEPTH, 1) - 1
    rules = {Comment.Status.SPAM: "blocked_keyword", Comment.Status.PENDING: "first_comment"}
    fingerprints = {}
    rows, made, next_id = [], 0, 1
    for story_id, count in counts.items():
        if not count:
            continue
        start = published[story_id]
        window = min((now - start).total_seconds() - 60, (2 if count < 200 else 20) * 86400)
        times = sorted(start + dt.timedelta(seconds=rng.random() ** 2 * max(window, 60)) for _ in range(count))
        story_rows, seen = [], set()
        for moment in times:
            parent = rng.choice(story_rows[-20:]) if story_rows and rng.random() < REPLIES else None
            while parent is not None and parent["depth"] >= deepest:
                parent = parent["parent"]
            commenter_id, address, name = rng.choices(people, cum_weights=people_weights)[0]
            if rng.random() < 0.1:
                address, commenter_id = "", None
            status = comment_status(rng)
            text = comment_text(rng, status)
            while (address, text) in seen:  # one copy of a comment per author and story (a constraint)
                text += " " + rng.choice(COMMENT_SENTENCES)
            seen.add((address, text))
            if text not in fingerprints:
                fingerprints[text] = text_fingerprint(text)
            row = {
                "id": next_id,
                "story_id": story_id,
                "parent_id": parent["id"] if parent else None,
                "thread_id": parent["thread_id"] if parent else next_id,
                "depth": parent["depth"] + 1 if parent else 0,
                "author_name": name,
                "author_email": address,
                "author_url": "https://reader.example/" if next_id % 25 == 0 else "",
                "text": text,
                "fingerprint": fingerprints[text],
                "status": status,
                "rule": rules.get(status, ""),
                "created_at": moment,
                "ip_address": f"10.{(commenter_id or 0) // 256 % 256}.{(commenter_id or 0) % 256}.{next_id % 250 + 1}",
                "user_agent": USER_AGENTS[next_id % len(USER_AGENTS)],
                "commenter_id": commenter_id,
            }
            if story_id == big_story and status == Comment.Status.APPROVED and next_id % 97 == 0:
                row["picked_at"] = moment
            story_rows.append({**row, "parent": parent})
            rows.append(row)
            next_id += 1
        if len(rows) >= BATCH:
            made += insert_rows(Comment, rows)
            rows = []
    return made + insert_rows(Comment, rows)
