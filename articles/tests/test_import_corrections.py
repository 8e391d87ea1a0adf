"""`manage.py import_corrections`: the demo's corrections, added once, refused with a reason."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Correction, Story

from .factories import make_story

pytestmark = pytest.mark.django_db

DEMO_SLUG = "mapo-district-library-extends-opening-hours-for-exam-season"


def run(path):
    out = StringIO()
    call_command("import_corrections", str(path), stdout=out)
    return out.getvalue()


def corrections_file(tmp_path, entries):
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


@pytest.fixture
def story():
    return make_story(slug="ferry-story", published_at=dt.datetime(2026, 11, 4, 1, 0, tzinfo=dt.UTC))


ENTRY = {"story": "ferry-story", "dateline": "2026-11-05, 09:40 (KST)", "text": "Wrong name.", "text_ko": "이름 정정."}


def test_adds_a_correction_at_its_dateline_once(tmp_path, story):
    path = corrections_file(tmp_path, [ENTRY])
    assert "1 correction(s) added, 0 already there" in run(path)
    assert "0 correction(s) added, 1 already there" in run(path)
    correction = Correction.objects.get()
    assert (correction.story, correction.text, correction.text_ko) == (story, "Wrong name.", "이름 정정.")
    assert correction.published_at == dt.datetime(2026, 11, 5, 0, 40, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"story": "no-such-story"}, "no story with the slug “no-such-story”"),
        ({"dateline": "2026-11-05 09:40"}, "bad dateline"),
        ({"text": ""}, "This field cannot be blank."),
        ({"extra": "x"}, "expected the keys"),
    ],
)
def test_a_bad_entry_is_refused_naming_it_and_nothing_is_added(tmp_path, story, change, reason):
    path = corrections_file(tmp_path, [ENTRY, {**ENTRY, "text": "Second.", **change}])
    with pytest.raises(CommandError, match=f"correction 2: .*{reason}"):
        run(path)
    assert not Correction.objects.exists()


def test_a_draft_story_takes_no_correction(tmp_path, story):
    Story.objects.filter(pk=story.pk).update(status=Story.Status.DRAFT)
    with pytest.raises(CommandError, match="only to a published story"):
        run(corrections_file(tmp_path, [ENTRY]))


def test_the_demo_file_corrects_the_demo_library_story():
    from newsroom.tests.site_pages import import_demo_site

    import_demo_site()
    correction = Correction.objects.get()
    assert correction.story.slug == DEMO_SLUG
    assert correction.text_ko
