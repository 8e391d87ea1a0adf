"""Story pages for the importer's tests: the sample files, the seed page, and helpers to run the command.

Sample pages live in `pages/`: two valid ones, and malformed ones that each differ from
`valid_minimal.txt` by one fault. Binary and wrongly encoded files are made in `tmp_path`.
"""

import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from articles.importing import decode_story_page, parse_story_page
from articles.models import Hashtag, Outlet, SocialLink, Story, StoryHashtag
from conftest import SEED_DIR

PAGES = Path(__file__).resolve().parent / "pages"
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "stories"
SEED_PAGE = SEED_DIR / "000_ecb8479c0830c2d5.txt"

# The dateline of `valid_minimal.txt`, on its line 24.
DATELINE = "2026-05-12, 09:30 (KST)"

SEED_HEADLINE = "Ukraine clashes with N. Korean troops for first time: Ukrainian official"
SEED_HASHTAGS = [
    "Ukraine",
    "Russia",
    "NorthKorea",
    "Troop",
    "Deployment",
    "Clashes",
    "우크라이나",
    "러시아",
    "북한",
    "전쟁",
    "파병",
    "Arirang_News",
    "아리랑뉴스",
]

# Each malformed page, the line the importer must name, and the heart of its reason.
MALFORMED_PAGES = [
    ("no_headline.txt", 3, "no headline: the first line must be the English headline"),
    ("no_dateline.txt", 36, "no dateline: expected a line like"),
    ("bad_date.txt", 24, "bad date “2026-02-30, 09:30”: day is out of range for month"),
    ("unknown_zone.txt", 24, "unknown time zone abbreviation “XYZ”"),
    ("wrong_zone_season.txt", 24, "EDT is not in effect in America/New_York on 2026-01-12, 09:30 (it uses EST)"),
    ("empty.txt", 1, "empty file: expected a story page"),
    ("blank.txt", 1, "empty file: expected a story page"),
    ("bad_social_url.txt", 21, "social link “javascript:alert(1)” is not an http(s) URL"),
    ("bad_hashtag.txt", 18, "bad hashtag “#bad-tag”: letters, digits and underscores only"),
    ("no_sign_off.txt", 14, "no sign-off: expected “Reporter Name, Outlet Name.”"),
    ("unexpected_tail.txt", 28, "unexpected text after the dateline: “Read more stories from the harbour desk”"),
    ("misnumbered_comments.txt", 33, "comment numbered 3, expected 2"),
]
MALFORMED_IDS = [case[0] for case in MALFORMED_PAGES]

# Files that are not UTF-8 text, made in tmp_path: bytes, the line to name, the heart of the reason.
UNREADABLE_FILES = [
    ("nul_byte", b"Headline\n\nIntro line\x00\x01\x02\n", 3, "binary file (NUL byte): expected UTF-8 text"),
    ("latin_1", "Headline\nCafé opens\n".encode("latin-1"), 2, "not UTF-8 text (byte 0xe9 at offset 12)"),
    ("euc_kr", "Headline\n\n서울 소식\n".encode("euc-kr"), 3, "not UTF-8 text (byte 0xbc at offset 10)"),
    ("control_character", b"Headline\n\nA bell \x07 rings\n", 3, "control characters in the text"),
]
UNREADABLE_IDS = [case[0] for case in UNREADABLE_FILES]


def read_page(name):
    return (PAGES / name).read_text(encoding="utf-8")


def parse_page(path):
    return parse_story_page(decode_story_page(Path(path).read_bytes()))


def edited_page(name, *replacements):
    """The text of a sample page with (old, new) replacements, each of which must apply."""
    text = read_page(name)
    for old, new in replacements:
        assert old in text, f"{old!r} is not in {name}"
        text = text.replace(old, new)
    return text


def write_page(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_story(*args):
    """Run `import_story`; returns (stdout, stderr, the CommandError raised or None)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_story", *map(str, args), stdout=stdout, stderr=stderr, no_color=True)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def row_counts():
    return {model.__name__: model.objects.count() for model in (Story, Outlet, Hashtag, SocialLink, StoryHashtag)}


def hashtag_names(story):
    return [link.hashtag.name for link in story.hashtag_links.select_related("hashtag")]


def write_edited_page(folder, name, *replacements):
    """A copy of sample page `name` in `folder`, edited as `edited_page` does."""
    return write_page(folder, name, edited_page(name, *replacements))
