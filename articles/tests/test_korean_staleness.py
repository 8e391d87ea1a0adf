"""Stale Korean text: the English changed after the Korean was last edited, until an editor confirms it."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Story

from .factories import make_story
from .story_pages import PAGES, edited_page, import_story, write_page

pytestmark = pytest.mark.django_db

# The notice is on Korean pages, in Korean (msgid: "The Korean text may not reflect the latest update of this story.").
NOTICE = "한국어 글에는 이 기사의 최신 수정이 반영되지 않았을 수 있습니다."
NOTICE_EN = "The Korean text may not reflect the latest update of this story."
ADMIN_WARNING = "The English text of this story changed after its Korean text was last edited"


def korean_page(story, client=None):
    with translation.override("ko"):
        url = reverse("articles:story", kwargs={"slug": story.slug})
    return (client or Client()).get(url).content.decode()


def bilingual_story(**fields):
    return make_story(headline_ko="항구 재개장", intro_ko="항구가 다시 열렸다.", body_ko="크레인이 움직였다.", **fields)


def edit_english(story, body="The English body, updated."):
    story = Story.objects.get(pk=story.pk)
    story.body = body
    story.save()
    return story


@pytest.fixture
def admin_client_(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
    return client


def change_form_data(story, **changes):
    """What the admin change form posts for `story`, with `changes`."""
    data = {
        "headline": story.headline,
        "headline_ko": story.headline_ko,
        "slug": story.slug,
        "intro": story.intro,
        "intro_ko": story.intro_ko,
        "body": story.body,
        "body_ko": story.body_ko,
        "reporter": story.reporter,
        "outlet": story.outlet_id,
        "source_url": story.source_url,
        "status": story.status,
        "published_at_0": timezone.localtime(story.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(story.published_at).strftime("%H:%M:%S"),
        "comments_enabled": "on",
        "hashtag_links-TOTAL_FORMS": "0",
        "hashtag_links-INITIAL_FORMS": "0",
        "hashtag_links-MIN_NUM_FORMS": "0",
        "hashtag_links-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class TestStaleRule:
    def test_new_story_in_both_languages_is_not_stale(self):
        assert not bilingual_story().korean_is_stale

    def test_english_edit_after_the_korean_makes_the_korean_stale(self):
        assert edit_english(bilingual_story()).korean_is_stale

    def test_editing_a_korean_field_confirms_the_korean_text(self):
        story = edit_english(bilingual_story())
        story.body_ko = "크레인이 다시 움직였다."
        story.save()
        assert not Story.objects.get(pk=story.pk).korean_is_stale

    def test_confirmation_without_a_korean_edit_makes_it_current(self):
        story = edit_english(bilingual_story())
        story.korean_confirmed = True
        story.save(update_fields=["korean_edited_at"])
        assert not Story.objects.get(pk=story.pk).korean_is_stale

    def test_saving_without_a_text_change_keeps_the_korean_current(self):
        story = bilingual_story()
        story = Story.objects.get(pk=story.pk)
        story.comments_enabled = False
        story.save()
        assert not Story.objects.get(pk=story.pk).korean_is_stale

    def test_story_without_korean_text_is_never_stale(self):
        story = edit_english(make_story(headline_ko="", body_ko=""))
        assert story.english_edited_at is not None
        assert not story.korean_is_stale

    def test_story_saved_before_the_timestamps_is_not_stale(self):
        story = bilingual_story()
        Story.objects.filter(pk=story.pk).update(english_edited_at=None, korean_edited_at=None)
        assert not Story.objects.get(pk=story.pk).korean_is_stale

    def test_korean_timestamp_older_than_the_english_is_stale(self):
        story = bilingual_story()
        now = timezone.now()
        Story.objects.filter(pk=story.pk).update(english_edited_at=now, korean_edited_at=now - dt.timedelta(days=1))
        assert Story.objects.get(pk=story.pk).korean_is_stale


class TestImport:
    def test_reimport_of_a_bilingual_page_with_new_english_is_not_stale(self, tmp_path):
        import_story(PAGES / "valid_korean_body.txt")
        edited = write_page(
            tmp_path,
            "edited.txt",
            edited_page("valid_korean_body.txt", ("Each one takes about an hour", "Each one takes about two hours")),
        )
        import_story(edited)
        story = Story.objects.get()
        assert "two hours" in story.body
        assert not story.korean_is_stale

    def test_reimport_of_an_english_only_page_leaves_an_editors_korean_intro_stale(self, tmp_path):
        english_only = ("항구 페리, 저녁 운항 추가\n", "")
        import_story(write_page(tmp_path, "first.txt", edited_page("valid_minimal.txt", english_only)))
        story = Story.objects.get()
        story.intro_ko = "편집자가 쓴 소개."
        story.save()
        new_body = ("Timetables will be posted", "Printed timetables will be posted")
        import_story(write_page(tmp_path, "edited.txt", edited_page("valid_minimal.txt", english_only, new_body)))
        story = Story.objects.get()
        assert story.intro_ko == "편집자가 쓴 소개."
        assert story.korean_is_stale


class TestKoreanPage:
    def test_stale_story_says_the_korean_may_be_out_of_date(self):
        story = edit_english(bilingual_story())
        assert NOTICE in korean_page(story)

    def test_confirmed_story_has_no_notice(self):
        story = edit_english(bilingual_story())
        story.korean_confirmed = True
        story.save(update_fields=["korean_edited_at"])
        assert NOTICE not in korean_page(story)

    def test_english_page_of_a_stale_story_has_no_notice(self, client):
        story = edit_english(bilingual_story())
        html = client.get(story.get_absolute_url()).content.decode()
        assert NOTICE not in html and NOTICE_EN not in html

    def test_korean_page_of_an_english_only_story_has_no_notice(self):
        story = edit_english(make_story(headline_ko="", body_ko=""))
        html = korean_page(story)
        assert NOTICE not in html
        assert 'class="english-only' in html

    def test_cached_korean_page_shows_the_notice_at_once_and_drops_it_on_confirmation(self):
        story = bilingual_story()
        assert NOTICE not in korean_page(story)  # now cached
        story = edit_english(story)
        assert NOTICE in korean_page(story)
        story.korean_confirmed = True
        story.save(update_fields=["korean_edited_at"])
        assert NOTICE not in korean_page(story)

    def test_korean_story_page_query_count_is_unchanged(self, django_assert_max_num_queries):
        from .test_views import STORY_PAGE_QUERIES

        story = edit_english(bilingual_story(hashtags=["Harbour"]))
        make_story(hashtags=["Harbour"])
        reader = Client()
        with django_assert_max_num_queries(STORY_PAGE_QUERIES + 1):  # + the cache's page_version
            assert NOTICE in korean_page(story, reader)


class TestAdmin:
    def test_change_form_of_a_stale_story_warns_at_the_top(self, admin_client_):
        story = edit_english(bilingual_story())
        html = admin_client_.get(reverse("admin:articles_story_change", args=[story.pk])).content.decode()
        assert re.search(rf'<li class="warning korean-stale-warning">{ADMIN_WARNING}', html)

    def test_change_form_of_a_stale_story_warns_beside_each_korean_field(self, admin_client_):
        story = edit_english(bilingual_story())
        html = admin_client_.get(reverse("admin:articles_story_change", args=[story.pk])).content.decode()
        for name in ("headline_ko", "intro_ko", "body_ko"):
            assert re.search(rf'<div class="help" id="id_{name}_helptext">\s*<div>{ADMIN_WARNING}', html), name

    def test_change_form_of_a_current_story_does_not_warn(self, admin_client_):
        story = bilingual_story()
        html = admin_client_.get(reverse("admin:articles_story_change", args=[story.pk])).content.decode()
        assert ADMIN_WARNING not in html

    def test_english_edit_through_the_form_makes_the_korean_stale(self, admin_client_):
        story = bilingual_story()
        url = reverse("admin:articles_story_change", args=[story.pk])
        response = admin_client_.post(url, change_form_data(story, body="A new English body."))
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Story.objects.get(pk=story.pk).korean_is_stale

    def test_ticking_korean_text_is_up_to_date_confirms_it(self, admin_client_):
        story = edit_english(bilingual_story())
        url = reverse("admin:articles_story_change", args=[story.pk])
        response = admin_client_.post(url, change_form_data(story, korean_confirmed="on"))
        assert response.status_code == 302
        assert not Story.objects.get(pk=story.pk).korean_is_stale

    def test_action_marks_the_korean_text_of_selected_stories_up_to_date(self, admin_client_):
        stale = [edit_english(bilingual_story()) for _ in range(2)]
        response = admin_client_.post(
            reverse("admin:articles_story_changelist"),
            {"action": "confirm_korean_text", "_selected_action": [story.pk for story in stale]},
            follow=True,
        )
        assert "The Korean text of 2 stories is marked up to date." in response.content.decode()
        assert not any(Story.objects.get(pk=story.pk).korean_is_stale for story in stale)


def test_a_browser_s_crlf_line_breaks_are_no_english_edit(db):
    """Browsers send a textarea's line breaks as CR LF: saving the same text again changes nothing."""
    story = bilingual_story(body="Cranes moved.\n\nShips came back.")
    story.refresh_from_db()
    english_at, korean_at = story.english_edited_at, story.korean_edited_at
    story.body = "Cranes moved.\r\n\r\nShips came back."
    story.save()
    story.refresh_from_db()
    assert "\r" not in story.body
    assert (story.english_edited_at, story.korean_edited_at) == (english_at, korean_at)
    assert not story.korean_is_stale
