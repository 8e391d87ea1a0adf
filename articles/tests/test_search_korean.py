"""Korean words found without their particles (articles/korean.py with Kiwi), on whichever database runs.

Kiwi loads once per test run (about a second), on the first test that analyses a Korean word.
"""

import datetime as dt
import logging
import threading
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from articles import korean
from articles.korean import korean_stem

from .factories import make_story
from .story_pages import SEED_HEADLINE, import_story
from .test_search import SEARCH_QUERIES, found, main, search


@pytest.fixture
def fresh_stems():
    """Stems analysed in this test only: the analyser is replaced or switched off in it."""
    korean._analysed_stem.cache_clear()
    yield
    korean._analysed_stem.cache_clear()


class TestKoreanStem:
    @pytest.mark.parametrize(
        ("word", "stem"),
        [
            ("쿠르스크에서", "쿠르스크"),
            ("북한군이", "북한군"),
            ("도서관은", "도서관"),
            ("서울에서는", "서울"),
            ("대통령이었다", "대통령"),
            ("학생들이", "학생들"),
            ("2024년에는", "2024년"),
            ("UN에서", "UN"),
        ],
    )
    def test_trailing_particles_copula_and_endings_are_stripped(self, word, stem):
        assert korean_stem(word) == stem

    @pytest.mark.parametrize("word", ["열람실", "북한", "우크라이나", "마포구립도서관"])
    def test_a_word_without_particle_has_no_stem(self, word):
        assert korean_stem(word) is None

    @pytest.mark.parametrize("word", ["먹었다", "밝혔다", "아름다운"])
    def test_verbs_and_adjectives_keep_their_endings(self, word):
        assert korean_stem(word) is None

    @pytest.mark.parametrize("word", ["나는", "책은"])
    def test_a_one_syllable_stem_is_not_used(self, word):
        assert korean_stem(word) is None

    def test_a_word_the_analyser_does_not_know_is_kept_whole(self):
        # Kiwi does not know 서 as the short form of 에서, nor these syllables as a word.
        assert korean_stem("쿠르스크서") is None
        assert korean_stem("뷁햏") is None

    def test_words_without_hangul_are_not_analysed(self, monkeypatch, fresh_stems):
        monkeypatch.setattr(korean, "analyser", lambda: pytest.fail("the analyser was asked about a Latin word"))
        assert korean_stem("until") is None
        assert korean_stem("2024") is None

    def test_switched_off_it_finds_no_stems(self, settings, fresh_stems):
        settings.NEWSROOM_KOREAN_ANALYSER = "off"
        assert korean_stem("쿠르스크에서") is None
        assert korean.warm_up() is False

    def test_an_unknown_analyser_setting_is_refused(self, settings):
        settings.NEWSROOM_KOREAN_ANALYSER = "mecab"
        with pytest.raises(ImproperlyConfigured, match="NEWSROOM_KOREAN_ANALYSER must be one of kiwi, off"):
            korean.warm_up()

    def test_warm_up_loads_the_one_analyser_of_the_process(self):
        assert korean.warm_up() is True
        assert korean.analyser() is korean.analyser()

    def test_an_analyser_failure_leaves_the_word_as_typed_and_is_logged(self, monkeypatch, fresh_stems, caplog):
        class Broken:
            def tokenize(self, text):
                raise RuntimeError("model file damaged")

        monkeypatch.setattr(korean, "analyser", Broken)
        with caplog.at_level(logging.ERROR, logger="articles.korean"):
            assert korean_stem("도서관은") is None
        assert "searching the word as typed" in caplog.text


class TestLoading:
    """The loading rules, with a stand-in loader: a real second Kiwi would cost seconds and 340 MB."""

    @pytest.fixture(autouse=True)
    def unloaded(self, monkeypatch):
        monkeypatch.setattr(korean, "_analyser", None)
        monkeypatch.setattr(korean, "_load_error", None)

    def test_concurrent_first_callers_load_it_once(self):
        loads = []

        def slow_loader():
            loads.append(object())
            time.sleep(0.05)
            return loads[-1]

        results = []
        threads = [threading.Thread(target=lambda: results.append(korean.analyser(slow_loader))) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(loads) == 1
        assert results == loads * 8

    def test_a_failed_load_is_not_tried_again(self):
        attempts = []

        def failing_loader():
            attempts.append(1)
            raise MemoryError("no room for the model")

        for _ in range(3):
            with pytest.raises(MemoryError):
                korean.analyser(failing_loader)
        assert attempts == [1]


@pytest.fixture
def kursk_story():
    return make_story(
        headline="Drone strikes reported near Kursk overnight",
        headline_ko="러시아 접경 드론 공습",
        body="Local officials in Kursk said two villages lost power.",
        body_ko="현지 관리들은 쿠르스크서 밤사이 마을 두 곳이 정전됐다고 전했다.",
    )


@pytest.fixture
def troops_story():
    return make_story(
        headline="Troops rotate at the front",
        headline_ko="전선 병력 교대",
        body_ko="정보 당국은 북한군은 이미 전선에 배치됐다고 판단했다.",
    )


@pytest.fixture
def reading_room_story():
    return make_story(
        headline="Night reading room opens",
        headline_ko="야간 열람실 개방",
        body_ko="구청은 도서관에서 밤 11시까지 자리를 내준다고 밝혔다.",
    )


@pytest.mark.django_db
class TestParticlesInTheQuery:
    def test_a_place_with_a_particle_finds_the_story_with_another_one(self, client, kursk_story, troops_story):
        assert found(search(client, "쿠르스크에서")) == [kursk_story.headline]

    def test_a_subject_particle_finds_the_topic_particle(self, client, kursk_story, troops_story):
        assert found(search(client, "북한군이")) == [troops_story.headline]

    def test_a_topic_particle_finds_a_place_particle(self, client, kursk_story, reading_room_story):
        assert found(search(client, "도서관은")) == [reading_room_story.headline]

    def test_a_two_character_stem_is_found(self, client, kursk_story):
        story = make_story(headline="Seoul budget", headline_ko="예산", body_ko="서울시는 예산안을 발표했다.")
        assert found(search(client, "서울에서는")) == [story.headline]

    def test_english_and_korean_words_together(self, client, kursk_story):
        make_story(headline="Regional news", body_ko="쿠르스크서 회의가 열렸다.")
        assert found(search(client, "Kursk 쿠르스크에서")) == [kursk_story.headline]

    def test_a_word_without_particle_is_searched_as_typed(self, client, kursk_story, troops_story):
        assert found(search(client, "쿠르스크서")) == [kursk_story.headline]

    def test_a_word_the_analyser_does_not_know_loses_only_its_particle(self, client, kursk_story, troops_story):
        assert found(search(client, "쿠르스크서는")) == [kursk_story.headline]

    def test_a_word_with_a_lone_jamo_is_found(self, client, kursk_story):
        story = make_story(headline="Road layout", body_ko="두 도로가 ㄱ자로 만난다.")
        assert found(search(client, "ㄱ자로")) == [story.headline]

    def test_every_word_must_still_be_in_the_story(self, client, kursk_story, troops_story):
        assert found(search(client, "쿠르스크에서 북한군이")) == []

    def test_the_stem_is_marked_inside_the_story_word(self, client, kursk_story, troops_story):
        html = main(search(client, "쿠르스크에서 정전", language="ko"))
        assert "현지 관리들은 <mark>쿠르스크</mark>서 밤사이" in html
        assert "<mark>북한군</mark>은 이미" in main(search(client, "북한군이", language="ko"))

    def test_the_exact_word_is_marked_whole_where_it_stands(self, client):
        make_story(headline="Kursk", body_ko="병력이 쿠르스크에서 철수했다.")
        assert "병력이 <mark>쿠르스크에서</mark> 철수했다." in main(search(client, "쿠르스크에서", language="ko"))

    def test_a_word_the_analyser_fails_on_is_searched_as_typed(self, client, monkeypatch, fresh_stems, kursk_story):
        class Broken:
            def tokenize(self, text):
                raise RuntimeError("model file damaged")

        monkeypatch.setattr(korean, "analyser", Broken)
        response = search(client, "쿠르스크서 Kursk")
        assert response.status_code == 200
        assert found(response) == [kursk_story.headline]

    def test_switched_off_the_words_are_searched_as_typed(self, client, settings, fresh_stems, kursk_story):
        settings.NEWSROOM_KOREAN_ANALYSER = "off"
        exact = make_story(headline="Withdrawal", body_ko="병력이 쿠르스크에서 철수했다.")
        assert found(search(client, "쿠르스크에서")) == [exact.headline]
        assert set(found(search(client, "쿠르스크"))) == {exact.headline, kursk_story.headline}

    @pytest.mark.parametrize("q", ["쿠르스크에서", "북한군이", "Kursk 쿠르스크에서"])
    def test_the_seed_story_is_found_by_words_with_other_particles(self, client, seed_page, q):
        import_story(seed_page)
        assert found(search(client, q)) == [SEED_HEADLINE]

    def test_query_count_stays_the_same(self, client, django_assert_max_num_queries, kursk_story, troops_story):
        with django_assert_max_num_queries(SEARCH_QUERIES):
            response = search(client, "쿠르스크에서 Kursk 서울에서는 UN")
        assert response.status_code == 200


def a_year_ago():
    return timezone.now() - dt.timedelta(days=365)


@pytest.mark.django_db
class TestKoreanRanking:
    def test_a_word_that_starts_with_the_term_ranks_above_the_term_inside_a_compound(self, client):
        make_story(
            headline="District libraries",
            headline_ko="구립도서관 확충",
            body_ko="마포구립도서관과 은평구립도서관, 서대문구립도서관이 좌석을 늘린다.",
        )
        older = make_story(headline="Library hours", body_ko="도서관은 주말에도 연다.", published_at=a_year_ago())
        assert found(search(client, "도서관")) == [older.headline, "District libraries"]

    def test_a_stem_that_starts_a_word_ranks_above_the_stem_inside_one(self, client):
        make_story(headline="Summit", body_ko="남북한 정상은 남북한 관계를 논의했다. 남북한 합의도 나왔다.")
        older = make_story(headline="Statement", body_ko="북한은 성명을 냈다.", published_at=a_year_ago())
        # PostgreSQL finds a two-character stem only at the start of a word: 남북한 is not found there.
        assert found(search(client, "북한이"))[0] == older.headline

    def test_a_word_after_an_opening_quote_starts_a_word(self, client):
        make_story(headline="District libraries", body_ko="마포구립도서관과 은평구립도서관이 좌석을 늘린다.")
        quoted = make_story(headline="Quoted", body_ko="“도서관은 모두의 것”이라고 말했다.", published_at=a_year_ago())
        assert found(search(client, "도서관")) == [quoted.headline, "District libraries"]
