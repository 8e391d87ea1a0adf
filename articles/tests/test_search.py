"""The search page, on whichever database the suite runs (SQLite by default, PostgreSQL in CI)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from articles.models import Story
from articles.search import MAX_QUERY_LENGTH

from .factories import make_outlet, make_story
from .page_cache_helpers import PAGE_CACHE_QUERY

pytestmark = pytest.mark.django_db

# The number of matches, the page of matches, their stories with outlets; the masthead's sections.
SEARCH_QUERIES = 3 + 1 + PAGE_CACHE_QUERY


def search_url(language="en"):
    with override(language):
        return reverse("articles:search")


def search(client, q, language="en", **params):
    return client.get(search_url(language), {"q": q, **params})


def found(response):
    """Headlines of the results, without their marks."""
    return [hit.story.headline for hit in response.context["hits"]]


def main(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def war_story():
    return make_story(
        headline="Ukraine reports first clash with North Korean troops",
        headline_ko="우크라이나, 북한군과 첫 교전 보고",
        intro="Officials in Kyiv described a brief exchange of fire near the border.",
        body="The clash happened in the Kursk region.\n\nSoldiers were wounded on both sides.",
        body_ko="우크라이나의 국방부는 북한은 이번 교전에 대해 침묵했다고 밝혔다.\n\n서울에서는 긴급회의가 열렸다.",
    )


@pytest.fixture
def library_story():
    return make_story(
        headline="Mapo library stays open until midnight",
        headline_ko="마포구립도서관, 자정까지 운영",
        intro="Students preparing for exams get four more weeks of late opening.",
        body="Seats after 8 p.m. must be booked in the app.",
        body_ko="열람실과 학습 라운지가 매일 밤 12시까지 운영된다.",
    )


class TestFinding:
    def test_english_word_finds_the_story_by_its_headline(self, client, war_story, library_story):
        assert found(search(client, "troops")) == [war_story.headline]

    def test_english_word_finds_the_story_by_its_body_in_any_case(self, client, war_story, library_story):
        assert found(search(client, "KURSK")) == [war_story.headline]

    def test_korean_word_finds_the_story_where_a_particle_follows_it(self, client, library_story):
        story = make_story(
            headline="Kyiv talks", headline_ko="키이우 회담", body_ko="우크라이나의 외무장관이 참석했다."
        )
        assert found(search(client, "우크라이나")) == [story.headline]

    def test_korean_word_finds_it_with_any_particle(self, client, war_story, library_story):
        other = make_story(headline="Reading room", headline_ko="열람실", body_ko="열람실에서 지도를 보았다.")
        assert set(found(search(client, "열람실"))) == {library_story.headline, other.headline}

    def test_two_character_korean_word_is_found(self, client, war_story, library_story):
        assert found(search(client, "북한")) == [war_story.headline]

    def test_two_character_korean_word_is_found_with_its_particle(self, client, library_story):
        story = make_story(headline="Seoul meeting", headline_ko="회의", body_ko="서울에서 회의가 열렸다.")
        assert found(search(client, "서울")) == [story.headline]

    def test_korean_substring_inside_a_compound_is_found(self, client, war_story, library_story):
        assert found(search(client, "도서관")) == [library_story.headline]

    def test_every_word_must_be_in_the_story(self, client, war_story, library_story):
        assert found(search(client, "Kursk midnight")) == []
        assert found(search(client, "Kursk 북한")) == [war_story.headline]

    def test_words_in_both_languages_find_the_same_story(self, client, war_story, library_story):
        assert found(search(client, "Kursk 서울")) == [war_story.headline]

    def test_headline_matches_rank_before_body_matches(self, client):
        make_story(headline="Markets calm", body="Traders mention the harbour only once, late in the day.")
        make_story(headline="Harbour reopens", body="Ships returned in the morning.")
        assert found(search(client, "harbour")) == ["Harbour reopens", "Markets calm"]

    def test_drafts_and_scheduled_stories_are_never_found(self, client):
        make_story(headline="Draft about the harbour", status=Story.Status.DRAFT, published_at=None)
        make_story(headline="Embargoed harbour news", published_at=timezone.now() + dt.timedelta(hours=2))
        published = make_story(headline="Published harbour news")
        assert found(search(client, "harbour")) == [published.headline]

    def test_an_edited_story_is_found_by_its_new_words_only(self, client, war_story):
        war_story.body = "The exchange took place near Sudzha."
        war_story.save()
        assert found(search(client, "Sudzha")) == [war_story.headline]
        assert found(search(client, "Kursk")) == []

    def test_a_deleted_story_is_not_found(self, client, war_story):
        war_story.delete()
        assert found(search(client, "troops")) == []

    def test_a_story_published_later_is_found_once_public(self, client):
        draft = make_story(headline="Harbour draft", status=Story.Status.DRAFT, published_at=None)
        Story.objects.filter(pk=draft.pk).update(status=Story.Status.PUBLISHED, published_at=timezone.now())
        assert found(search(client, "harbour")) == ["Harbour draft"]


def a_year_ago():
    return timezone.now() - dt.timedelta(days=365)


class TestWholeWordsRankFirst:
    """A term standing as a word ranks above the same letters inside longer words, newer or more frequent."""

    def test_a_short_word_ranks_above_words_that_contain_it(self, client):
        make_story(headline="Campus news", intro="University staff and university students rally.", body="University.")
        make_story(headline="Late opening", intro="Open until ten.", body="Until further notice, until dawn.")
        un_story = make_story(
            headline="Envoy arrives", intro="The UN envoy landed.", body="Talks begin.", published_at=a_year_ago()
        )
        first, *others = found(search(client, "UN"))
        assert first == un_story.headline
        # PostgreSQL's English dictionary leaves out "until" (a stop word): only SQLite finds that story.
        assert "Campus news" in others
        assert set(others) <= {"Campus news", "Late opening"}

    def test_a_short_word_with_a_korean_particle_is_a_whole_word(self, client):
        make_story(headline="Late opening", intro="Open until ten.", body="Until further notice, until dawn.")
        un_story = make_story(headline="Statement", body_ko="UN은 성명을 냈다.", published_at=a_year_ago())
        assert found(search(client, "UN"))[0] == un_story.headline

    def test_a_longer_word_ranks_above_words_that_contain_it(self, client):
        make_story(headline="Awards night", intro="Awards, awards and more awards.", body="Award.")
        war_story = make_story(
            headline="Ceasefire holds", intro="The war paused.", body="Calm.", published_at=a_year_ago()
        )
        assert found(search(client, "war")) == [war_story.headline, "Awards night"]

    def test_whole_words_of_every_term_count(self, client):
        make_story(headline="Campus awards", intro="University envoy hands out awards.", body="Quiet.")
        older = a_year_ago()
        both = make_story(headline="Both words", intro="The UN warned of war.", body="Quiet.", published_at=older)
        one = make_story(headline="One word", intro="The UN hands out awards.", body="Quiet.", published_at=older)
        assert found(search(client, "un war")) == [both.headline, one.headline, "Campus awards"]


class TestResultsPage:
    def test_match_is_highlighted_in_the_headline_and_excerpt(self, client, war_story):
        html = main(search(client, "Kursk troops"))
        assert "North Korean <mark>troops</mark>" in html
        assert "in the <mark>Kursk</mark> region." in html

    def test_story_text_is_escaped_around_the_highlight(self, client):
        make_story(
            headline="Filter drops <script>alert(1)</script> tags",
            body='A reader sent <img src=x onerror="alert(2)"> and a <script> block.',
        )
        html = main(search(client, "script"))
        assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in html
        assert "onerror=&quot;alert(2)&quot;" in html
        assert "<script" not in html
        assert "<img" not in html
        hit = html[html.index('<article class="search-hit') :]
        assert set(re.findall(r"</?(\w+)", hit)) == {"article", "h2", "a", "mark", "p", "time"}

    def test_korean_page_leads_with_the_korean_headline_and_body(self, client, war_story):
        response = search(client, "북한", language="ko")
        html = main(response)
        # SQLite marks the substring, PostgreSQL the whole word it matched by its start.
        assert re.search(
            r'<a href="/ko/stories/[^"]+" lang="ko">우크라이나, <mark>북한(</mark>군과|군과</mark>) 첫 교전', html
        )
        excerpt = re.search(r'<p class="excerpt mb-0">(.*?)</p>', html).group(1)
        assert excerpt.startswith("우크라이나의 국방부는 <mark>북한")

    def test_english_page_shows_a_korean_excerpt_when_only_the_korean_body_matches(self, client, war_story):
        html = main(search(client, "국방부"))
        assert re.search(r'<p class="excerpt mb-0" lang="ko">[^<]*<mark>국방부(</mark>는|는</mark>)', html)

    def test_result_count_and_query_are_shown(self, client, war_story, library_story):
        html = main(search(client, "Kursk"))
        assert "1 story contains “Kursk”." in html
        assert 'value="Kursk"' in html

    def test_no_match_says_so(self, client, war_story):
        assert "No published story contains all of these words." in main(search(client, "volcano"))

    def test_twenty_results_per_page_and_links_keep_the_query(self, client):
        outlet = make_outlet()
        for number in range(25):
            make_story(outlet=outlet, headline=f"Harbour story {number:02d}")
        first = search(client, "harbour")
        second = search(client, "harbour", page=2)
        assert len(first.context["hits"]) == 20
        assert len(second.context["hits"]) == 5
        assert set(found(first)).isdisjoint(found(second))
        assert 'href="?q=harbour&amp;page=2" rel="next"' in first.content.decode()
        assert 'href="?q=harbour&amp;page=1" rel="prev"' in second.content.decode()
        assert "25 stories contain “harbour”." in main(second)

    def test_page_out_of_range_is_not_found(self, client, war_story):
        assert search(client, "troops", page=5).status_code == 404
        assert search(client, "troops", page="abc").status_code == 404

    def test_language_switcher_keeps_the_query(self, client, war_story):
        html = search(client, "북한").content.decode()
        assert 'href="/ko/search/?q=%EB%B6%81%ED%95%9C" hreflang="ko"' in html

    def test_search_pages_are_kept_out_of_search_engines(self, client, war_story):
        assert '<meta name="robots" content="noindex">' in search(client, "troops").content.decode()

    @pytest.mark.parametrize("count", [3, 30])
    def test_query_count_does_not_grow_with_results(self, client, django_assert_max_num_queries, count):
        outlets = [make_outlet() for _ in range(3)]
        for number in range(count):
            make_story(outlet=outlets[number % 3], headline=f"Harbour {number}", body_ko="서울 항구 소식")
        with django_assert_max_num_queries(SEARCH_QUERIES):
            response = search(client, "harbour 서울")
        assert len(response.context["hits"]) == min(count, 20)


class TestHeaderForm:
    @pytest.mark.parametrize("language", ["en", "ko"])
    def test_every_page_has_a_labelled_search_form_in_the_header(self, client, language):
        with override(language):
            html = client.get(reverse("articles:home")).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert f'role="search" action="/{language}/search/" method="get"' in header
        assert re.search(r'<label class="visually-hidden" for="site-search-q">[^<]+</label>', header)
        assert '<input class="form-control form-control-sm" type="search" id="site-search-q" name="q">' in header


class TestHostileQueries:
    def test_no_query_invites_a_search(self, client, django_assert_num_queries):
        with django_assert_num_queries(1 + PAGE_CACHE_QUERY) as captured:  # the masthead's sections, no search
            response = client.get(search_url())
        assert "articles_section" in captured.captured_queries[-1]["sql"]
        assert response.status_code == 200
        assert "Type a word or two above" in main(response)

    def test_blank_query_invites_a_search(self, client):
        assert "Type a word or two above" in main(search(client, "   "))

    @pytest.mark.parametrize("q", ["%", "_", "'", '"', "*", "-", "%_'\"*-", "'; --", "()"])
    def test_punctuation_alone_is_explained(self, client, war_story, q):
        response = search(client, q)
        assert response.status_code == 200
        html = main(response)
        assert "has no letters or digits to look for" in html or "Type a word or two above" in html

    @pytest.mark.parametrize(
        "q",
        [
            "a OR",
            "NEAR(",
            'NEAR("troops" "Kursk", 2)',
            '"troops',
            "troops*",
            "-troops",
            "troops AND NOT",
            "troops'; --",
        ],
    )
    def test_search_syntax_is_read_as_plain_words(self, client, war_story, q):
        response = search(client, q)
        assert response.status_code == 200
        assert "stories contain" in main(response) or "story contains" in main(response)

    def test_fts5_syntax_finds_the_plain_words(self, client, war_story):
        assert found(search(client, '"troops')) == [war_story.headline]
        assert found(search(client, "NEAR(troops")) == [war_story.headline]

    def test_very_long_query_is_cut_and_says_so(self, client, war_story):
        response = search(client, "troops " + "x" * 10_000)
        assert response.status_code == 200
        html = main(response)
        assert f"only its first {MAX_QUERY_LENGTH} characters" in html
        assert len(response.context["query"].text) == MAX_QUERY_LENGTH

    def test_nul_in_the_query_gets_the_bad_request_page(self, client, war_story):
        # No search box sends NUL; the site refuses it before any query (resilience.middleware).
        response = client.get(search_url() + "?q=tro%00ops")
        assert response.status_code == 400
        assert "Request not understood" in response.content.decode()

    @pytest.mark.parametrize("raw", ["%ED%A0%80", "%ED%A0%80troops", "%FF%FE", "%C3"])
    def test_undecodable_bytes_and_lone_surrogates_give_a_page(self, client, war_story, raw):
        response = client.get(f"{search_url()}?q={raw}")
        assert response.status_code == 200
        assert "<main" in response.content.decode()

    def test_many_words_search_the_first_ten(self, client, war_story):
        response = search(client, "troops " * 3 + " ".join(f"w{number}" for number in range(20)))
        assert response.status_code == 200
        assert "at most ten words" in main(response)
