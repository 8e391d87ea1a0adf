import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Hashtag, Outlet, SocialLink, Story, hashtag_slug
from articles.rich_text import split_paragraphs

from .factories import make_hashtag, make_outlet, make_social_link, make_story


class TestHashtags:
    def test_slug_ignores_case_so_ukraine_is_one_tag(self):
        assert hashtag_slug("#Ukraine") == hashtag_slug("ukraine") == "ukraine"

    def test_korean_slug_stays_unicode(self):
        assert hashtag_slug("우크라이나") == "우크라이나"

    def test_full_width_letters_fold_to_the_same_tag(self):
        assert hashtag_slug("Ｕｋｒａｉｎｅ") == "ukraine"

    @pytest.mark.django_db
    def test_second_spelling_of_a_tag_is_refused(self):
        make_hashtag("Ukraine")
        with pytest.raises(ValidationError, match="exists already"):
            Hashtag(name="UKRAINE").full_clean()

    @pytest.mark.django_db
    def test_database_refuses_a_duplicate_tag_even_without_validation(self):
        make_hashtag("Ukraine")
        with pytest.raises(IntegrityError), transaction.atomic():
            Hashtag.objects.create(name="ukraine")

    @pytest.mark.django_db
    def test_name_keeps_its_written_case_and_drops_the_hash(self):
        tag = Hashtag(name="#Arirang_News")
        tag.full_clean()
        tag.save()
        assert (tag.name, tag.slug, str(tag)) == ("Arirang_News", "arirang_news", "#Arirang_News")

    @pytest.mark.parametrize("name", ["two words", "dash-tag", "", "<b>"])
    def test_names_other_than_letters_digits_underscores_are_refused(self, name):
        with pytest.raises(ValidationError):
            Hashtag(name=name).clean()

    def test_language_follows_the_script(self):
        assert Hashtag(name="북한").language == "ko"
        assert Hashtag(name="NorthKorea").language == "en"


@pytest.mark.django_db
class TestStories:
    def test_published_story_without_publication_time_violates_the_constraint(self):
        outlet = make_outlet()
        with pytest.raises(IntegrityError), transaction.atomic():
            Story.objects.create(headline="x", slug="x", body="b", outlet=outlet, status="published")

    def test_validation_dates_a_story_published_without_a_time(self):
        story = Story(headline="Dated on publish", body="b", outlet=make_outlet(), status="published")
        before = timezone.now()
        story.full_clean()
        assert story.published_at >= before
        assert story.slug == "dated-on-publish"

    def test_published_queryset_excludes_drafts_and_future_stories(self):
        public = make_story()
        make_story(status=Story.Status.DRAFT)
        make_story(published_at=timezone.now() + dt.timedelta(minutes=5))
        assert list(Story.objects.published()) == [public]

    def test_source_must_be_http_or_https(self):
        story = make_story()
        story.source_url = "javascript:alert(1)"
        with pytest.raises(ValidationError) as error:
            story.full_clean()
        assert "source_url" in error.value.message_dict

    def test_dateline_is_in_the_outlet_zone(self):
        story = make_story(
            outlet=make_outlet(time_zone="Asia/Seoul"), published_at=dt.datetime(2024, 11, 4, 11, tzinfo=dt.UTC)
        )
        assert story.dateline.isoformat() == "2024-11-04T20:00:00+09:00"
        assert story.dateline.tzname() == "KST"

    def test_summary_prefers_the_intro_and_cuts_long_text(self):
        assert make_story(intro="Short intro.").text_for("en").summary == "Short intro."
        long_body = " ".join(["word"] * 100)
        summary = make_story(intro="", body=long_body).text_for("en").summary
        assert summary.endswith("…")
        assert len(summary.split()) == 45


@pytest.mark.django_db
class TestOutlets:
    def test_unknown_time_zone_is_refused(self):
        outlet = Outlet(name="Nowhere Gazette", time_zone="Mars/Olympus")
        with pytest.raises(ValidationError) as error:
            outlet.full_clean()
        assert "time_zone" in error.value.message_dict

    def test_homepage_must_be_http_or_https(self):
        outlet = Outlet(name="Ftp Daily", homepage="ftp://ftp.example/", time_zone="UTC")
        with pytest.raises(ValidationError) as error:
            outlet.full_clean()
        assert "homepage" in error.value.message_dict


@pytest.mark.django_db
class TestLinksInTheDatabase:
    """Rows written without validation (bulk imports, shell, raw code) still hold only http(s) links."""

    def test_database_refuses_a_javascript_social_link(self):
        outlet = make_outlet()
        with pytest.raises(IntegrityError), transaction.atomic():
            SocialLink.objects.create(outlet=outlet, label="Facebook", url="javascript:alert(1)")
        assert not SocialLink.objects.exists()

    def test_database_refuses_an_ftp_homepage(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Outlet.objects.create(name="Ftp Daily", homepage="ftp://x", time_zone="UTC")
        assert not Outlet.objects.exists()

    def test_database_refuses_a_javascript_source(self):
        outlet = make_outlet()
        with pytest.raises(IntegrityError), transaction.atomic():
            Story.objects.create(headline="x", slug="x", body="b", outlet=outlet, source_url="javascript:x")
        assert not Story.objects.exists()

    def test_database_stores_http_and_https_links_and_empty_optional_ones(self):
        outlet = make_outlet(homepage="")
        make_social_link(outlet, url="https://www.facebook.example/outlet")
        make_story(outlet=outlet, source_url="http://news.example/1")
        assert list(Outlet.objects.values_list("homepage", flat=True)) == [""]
        assert list(SocialLink.objects.values_list("url", flat=True)) == ["https://www.facebook.example/outlet"]
        assert list(Story.objects.values_list("source_url", flat=True)) == ["http://news.example/1"]


def test_paragraphs_split_on_blank_lines_and_keep_lines():
    assert split_paragraphs("a\nb\n\n\n c \r\n\r\nd") == [["a", "b"], ["c"], ["d"]]
