"""Every interface string has its Korean translation, and the compiled catalogue matches."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from articles.tests.factories import make_story

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ko" / "LC_MESSAGES"


def test_every_string_is_translated_into_korean():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])


def test_compiled_catalogue_matches_the_translations():
    source = {
        entry.msgid: entry.msgstr or entry.msgstr_plural.get(0) for entry in polib.pofile(str(CATALOGUE / "django.po"))
    }
    compiled = {
        entry.msgid: entry.msgstr or entry.msgstr_plural.get(0) for entry in polib.mofile(str(CATALOGUE / "django.mo"))
    }
    assert {key: value for key, value in source.items() if key} == {
        key: value for key, value in compiled.items() if key
    }


@pytest.mark.django_db
def test_korean_story_page_speaks_korean(client):
    story = make_story(headline="Harbour reopens", headline_ko="항구 재개장")
    with translation.override("ko"):
        url = reverse("articles:story", kwargs={"slug": story.slug})
    html = client.get(url).content.decode()
    assert url.startswith("/ko/")
    assert '<html lang="ko">' in html
    assert "댓글 남기기" in html
    assert "본문으로 건너뛰기" in html
    assert '<h1 id="story-headline" class="story-headline" lang="ko">항구 재개장</h1>' in html
