"""Search reads rich-text bodies as their plain text and finds the Korean intro, on whichever database
the suite runs (SQLite by default, PostgreSQL with DATABASE_URL): markup is never found, nor shown."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from articles.models import Story

from .factories import make_story

pytestmark = pytest.mark.django_db

BODY = (
    "<h2>Harbour notes</h2>"
    '<p>The <strong>ferry</strong> timetable is on <a href="https://schedules-portal.example/harbour">the operator\'s '
    "site</a>.</p><p>A new<em>sletter</em> goes out weekly.</p>"
)


def search(client, q, language="en"):
    with override(language):
        return client.get(reverse("articles:search"), {"q": q})


def found(response):
    return [hit.story.headline for hit in response.context["hits"]]


def main(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def harbour_story():
    return make_story(headline="Harbour ferry times", headline_ko="항구 여객선 시간표", intro="", body=BODY)


@pytest.mark.parametrize("word", ["strong", "href", "https", "portal", "h2"])
def test_tags_and_link_addresses_in_a_body_find_nothing(client, harbour_story, word):
    assert found(search(client, word)) == []


def test_a_word_split_by_emphasis_is_found_whole(client, harbour_story):
    assert found(search(client, "newsletter")) == ["Harbour ferry times"]


def test_the_text_of_a_link_and_a_subheading_is_found(client, harbour_story):
    assert found(search(client, "operator notes")) == ["Harbour ferry times"]


def test_the_excerpt_is_plain_text_with_the_match_marked(client, harbour_story):
    page = main(search(client, "newsletter"))
    assert "A <mark>newsletter</mark> goes out weekly." in page
    assert "&lt;" not in page and "<em>" not in page


def test_a_body_edited_later_is_searched_as_edited(client, harbour_story):
    story = Story.objects.get(pk=harbour_story.pk)
    story.body = "<p>The <em>night</em> bus replaces the ferry.</p>"
    story.save()
    assert found(search(client, "bus")) == ["Harbour ferry times"]
    assert found(search(client, "newsletter")) == []


class TestKoreanIntro:
    @pytest.fixture
    def story(self):
        return make_story(
            headline="Ferry fares rise",
            headline_ko="여객선 요금 인상",
            intro="Fares go up in June.",
            intro_ko="유월부터 운임이 오른다고 운영사가 밝혔다.",
            body="<p>The operator cited fuel costs.</p>",
            body_ko="<p>운영사는 연료비를 이유로 들었다.</p>",
        )

    def test_a_word_only_in_the_korean_intro_is_found(self, client, story):
        assert found(search(client, "운임이", "ko")) == ["Ferry fares rise"]
        assert found(search(client, "운임", "en")) == ["Ferry fares rise"]

    def test_the_korean_page_shows_the_korean_intro_as_the_excerpt(self, client, story):
        assert "유월부터 <mark>운임이</mark> 오른다고" in main(search(client, "운임이", "ko"))
