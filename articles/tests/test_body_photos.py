"""Photos placed in a story's body: the figures readers see in each language, one query for all of them,
what protects a placed photo, what moves the page on, the story form's checks, "Insert photo"'s search,
and the diff."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.models import Story, StoryBodyPhoto
from articles.rich_text import photo_reference
from comments.tests.factories import read_form
from photos.models import Photo
from photos.tests.factories import make_photo

from .factories import make_story
from .test_photo_pages import attributes

pytestmark = pytest.mark.django_db

CAPTION, CAPTION_KO = "The harbour at dawn.", "새벽의 항구."
ALT, ALT_KO = "Ferries moored at a harbour under a yellow sky", "노란 하늘 아래 항구에 정박한 여객선들"


def placed(photo, src=None, alt="as placed"):
    """The reference "Insert photo" puts in a body."""
    return photo_reference(photo.pk, photo.w800.url if src is None else src, alt)


def story_url(story, language):
    with translation.override(language):
        return story.get_absolute_url()


def page(client, story, language):
    response = client.get(story_url(story, language))
    assert response.status_code == 200
    return response.content.decode()


def body_figures(html):
    """The figures of photos placed in bodies, in page order."""
    return re.findall(r'<figure class="photo story-body-photo">.*?</figure>', html, re.S)


def image(figure):
    return attributes(re.search(r"<img [^>]*>", figure).group(0))


def caption(figure):
    return re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(r"<figcaption.*?</figcaption>", figure, re.S).group(0))
    )


@pytest.fixture
def photo():
    return make_photo(
        2000, 1250, alt_text=ALT, alt_text_ko=ALT_KO, caption=CAPTION, caption_ko=CAPTION_KO, credit="Kim Ji-ho"
    )


@pytest.fixture
def story(photo):
    return make_story(
        body=f"<p>Boats left early.</p>{placed(photo)}<p>They came back late.</p>",
        body_ko=f"<p>배가 일찍 떠났다.</p><p>늦게 돌아왔다.{placed(photo, alt='배치된 그대로')}</p>",
    )


class TestStoryPage:
    def test_the_english_page_shows_the_figure_in_english_between_the_paragraphs(self, client, story, photo):
        html = page(client, story, "en")
        body = re.search(r'<div class="story-body">(.*?)</div>', html, re.S).group(1)
        [figure] = body_figures(body)
        assert re.search(r"Boats left early\.</p>\s*<figure", body) and re.search(r"</figure>\s*<p>They came", body)
        shown = image(figure)
        assert (shown["alt"], shown["loading"], shown["src"]) == (ALT, "lazy", photo.w800.url)
        assert "1600w" in shown["srcset"] and (shown["width"], shown["height"]) == ("800", "500")
        assert caption(figure).strip() == f"{CAPTION} Credit: Kim Ji-ho"
        assert "data-photo" not in html  # the reference never reaches a reader

    def test_the_korean_body_of_the_english_page_has_its_figure_in_korean(self, client, story):
        html = page(client, story, "en")
        section = re.search(r'<section class="story-body story-body-ko.*?</section>', html, re.S).group(0)
        [figure] = body_figures(section)
        assert image(figure)["alt"] == ALT_KO and "lang" not in image(figure)
        assert CAPTION_KO in caption(figure)
        # After the paragraph it stood in, never inside it: a <figure> in a <p> is no HTML.
        assert re.search(r"늦게 돌아왔다\.</p>\s*<figure", section)

    def test_the_korean_page_shows_the_figure_in_korean(self, client, story):
        [figure] = body_figures(page(client, story, "ko"))
        assert (image(figure)["alt"], CAPTION_KO in caption(figure)) == (ALT_KO, True)

    def test_a_story_in_english_only_shows_its_figure_in_english_on_the_korean_page(self, client, photo):
        story = make_story(body=f"<p>Text.</p>{placed(photo)}", body_ko="")
        html = page(client, story, "ko")
        assert '<div class="story-body" lang="en">' in html
        [figure] = body_figures(html)
        assert image(figure)["alt"] == ALT and CAPTION in caption(figure)

    def test_a_missing_korean_caption_falls_back_on_the_english_marked_as_english(self, client, story, photo):
        photo.caption_ko = ""
        photo.save()
        [figure] = body_figures(page(client, story, "ko"))
        assert f'<span class="photo-caption-text" lang="en">{CAPTION}</span>' in figure

    def test_the_page_draws_the_photo_from_its_row_not_from_the_stored_address(self, client, photo):
        story = make_story(body=placed(photo, src="/media/renditions/gone.webp", alt="an old alt text"))
        [figure] = body_figures(page(client, story, "en"))
        assert image(figure)["src"] == photo.w800.url and image(figure)["alt"] == ALT

    def test_a_decorative_photo_has_empty_alternative_text(self, client):
        decorative = make_photo(alt_text="", alt_text_ko="", decorative=True)
        [figure] = body_figures(page(client, make_story(body=placed(decorative)), "en"))
        assert image(figure)["alt"] == ""

    def test_a_photo_s_words_are_escaped(self, client):
        hostile = make_photo(caption="<script>alert(1)</script>", alt_text='"><img src=x onerror=alert(2)>')
        html = page(client, make_story(body=placed(hostile)), "en")
        assert "<script>alert(1)" not in html and "onerror=alert(2)>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body_figures(html)[0]

    def test_a_photo_missing_from_the_library_shows_nothing(self, client, photo):
        story = make_story(body="<p>Before.</p>")
        # Written past save() (a restored revision of a deleted photo, SQL): no row, nothing drawn.
        Story.objects.filter(pk=story.pk).update(body=f"<p>Before.</p>{photo_reference(987654, '/media/a.webp', 'x')}")
        html = page(client, story, "en")
        assert body_figures(html) == [] and "987654" not in html and "Before." in html

    def test_the_same_photo_placed_twice_shows_twice(self, client, photo):
        story = make_story(body=f"{placed(photo)}<p>Between.</p>{placed(photo)}")
        assert len(body_figures(page(client, story, "en"))) == 2

    @pytest.mark.parametrize("language", ["en", "ko"])
    def test_one_query_fetches_every_body_photo_whatever_their_number(self, photo, language):
        photos = [photo, *(make_photo(800, 600) for _ in range(4))]
        stories = {
            count: make_story(
                body="<p>Text.</p>" + "".join(placed(item) for item in photos[:count]),
                body_ko="<p>본문.</p>" + "".join(placed(item) for item in reversed(photos[:count])),
            )
            for count in (0, 1, 5)
        }
        counts = {}
        for count, story in stories.items():
            with CaptureQueriesContext(connection) as captured:
                html = page(Client(), story, language)
            counts[count] = len(captured)
            assert len(body_figures(html)) == (2 * count if language == "en" else count)
            photo_queries = [query["sql"] for query in captured if 'FROM "photos_photo"' in query["sql"]]
            assert len(photo_queries) == (1 if count else 0)
        # No photo, no query; one query more for one photo or five, in one body or two.
        assert counts[1] == counts[5] == counts[0] + 1

    def test_the_story_page_count_is_asserted_for_zero_one_and_five_photos(self, photo, django_assert_num_queries):
        from .test_views import STORY_PAGE_QUERIES

        photos = [photo, *(make_photo(800, 600) for _ in range(4))]
        stories = {
            count: make_story(body="<p>Text.</p>" + "".join(placed(item) for item in photos[:count]))
            for count in (0, 1, 5)
        }
        baseline = make_story(body="<p>Text.</p>")  # a page is rendered once, then cached: a story of its own
        with CaptureQueriesContext(connection) as without_photos:
            page(Client(), baseline, "en")
        # The story page's budget, and the cache's page version (a reader without cookies).
        assert len(without_photos) <= STORY_PAGE_QUERIES + 1
        for count, extra in [(0, 0), (1, 1), (5, 1)]:
            with django_assert_num_queries(len(without_photos) + extra):
                page(Client(), stories[count], "ko" if count == 5 else "en")


class TestFeedsSearchAndMetadata:
    def test_a_photo_adds_no_text_to_search_summaries_or_json_ld(self, client, photo):
        story = make_story(intro="", body=f"<p>Boats left early.</p>{placed(photo, alt='Ferries at dawn')}")
        assert story.body_plain == "Boats left early."
        html = page(client, story, "en")
        [json_ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert json.loads(json_ld)["articleBody"] == "Boats left early."
        home = client.get(reverse("articles:home")).content.decode()
        assert "Boats left early." in home and "Ferries at dawn" not in home and "story-body-photo" not in home


class TestLinksAndDeletion:
    def test_each_photo_placed_in_either_body_is_linked_once(self, story, photo):
        other = make_photo()
        story.body_ko += placed(other)
        story.save()
        assert sorted(StoryBodyPhoto.objects.filter(story=story).values_list("photo_id", flat=True)) == sorted(
            [photo.pk, other.pk]
        )

    def test_a_photo_taken_out_of_the_bodies_is_unlinked(self, story, photo):
        story.body = "<p>No photo now.</p>"
        story.save()
        assert StoryBodyPhoto.objects.filter(story=story).count() == 1  # the Korean body still has it
        story.body_ko = "<p>사진 없음.</p>"
        story.save()
        assert not StoryBodyPhoto.objects.filter(story=story).exists()

    def test_a_photo_a_body_shows_cannot_be_deleted_until_it_is_taken_out(self, story, photo):
        with pytest.raises(ProtectedError):
            photo.delete()
        story.body = story.body_ko = "<p>No photo now.</p>"
        story.save()
        photo.delete()
        assert not Photo.objects.filter(pk=photo.pk).exists()

    def test_a_reference_to_a_photo_not_in_the_library_is_saved_but_not_linked(self):
        story = make_story(body=f"<p>Text.</p>{photo_reference(987654)}")
        assert 'data-photo="987654"' in story.body
        assert not StoryBodyPhoto.objects.filter(story=story).exists()

    def test_the_admin_names_the_story_that_keeps_a_photo(self, client, story, photo, django_user_model):
        editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        client.force_login(editor)
        html = client.get(reverse("admin:photos_photo_delete", args=[photo.pk])).content.decode()
        assert "Cannot delete photo" in html or "would require deleting the following protected" in html
        assert story.headline in html

    def test_the_links_cost_no_query_for_a_new_story_without_photos_and_one_for_an_unchanged_save(self, story):
        def link_queries(save):
            with CaptureQueriesContext(connection) as captured:
                save()
            return [query["sql"] for query in captured if "articles_storybodyphoto" in query["sql"]]

        assert link_queries(lambda: make_story(body="<p>Text.</p>")) == []
        assert len(link_queries(story.save)) == 1
        assert link_queries(lambda: story.save(update_fields=["headline"])) == []


class TestPageCache:
    def test_editing_a_placed_photo_reaches_the_cached_pages_at_once(self, story, photo):
        reader = Client()
        assert CAPTION in page(reader, story, "en") and CAPTION_KO in page(reader, story, "ko")
        photo.caption, photo.caption_ko = "The harbour at first light.", "첫 햇살의 항구."
        photo.save()
        assert "The harbour at first light." in page(reader, story, "en")
        assert "첫 햇살의 항구." in page(reader, story, "ko")

    def test_editing_a_photo_moves_on_only_the_stories_that_show_it(self, story, photo):
        elsewhere = make_story()
        versions = dict(Story.objects.values_list("pk", "page_version"))
        photo.credit = "Seo Yun"
        photo.save()
        after = dict(Story.objects.values_list("pk", "page_version"))
        assert after[story.pk] > versions[story.pk]
        assert after[elsewhere.pk] == versions[elsewhere.pk]


@pytest.fixture
def staff(client, django_user_model):
    """log_in(group) → a new staff member of that group (Reporters, Editors, Moderators), logged in."""

    def log_in(group):
        user = django_user_model.objects.create_user(group.lower(), password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return user

    return log_in


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


def errors_of(html, field):
    block = re.search(rf'<div class="form-row[^"]*field-{field}.*?</div>\s*</div>', html, re.S)
    assert block, f"no {field} row"
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", block.group(0), re.S)]


class TestStoryForm:
    def test_the_editor_is_given_each_photo_as_the_library_has_it_now(self, client, staff, photo):
        staff("Editors")
        story = make_story(body=placed(photo, src="/media/renditions/old.webp", alt="old"), body_ko=placed(photo))
        fields = read_form(client.get(change_url(story)), "story_form")[1]
        assert fields["body"] == photo_reference(photo.pk, photo.w800.url, ALT)
        assert fields["body_ko"] == photo_reference(photo.pk, photo.w800.url, ALT_KO)

    def test_the_editor_knows_where_to_search_the_library_in_the_user_s_language(self, client, staff):
        staff("Reporters")
        story = make_story(body="<p>Text.</p>", status=Story.Status.DRAFT)
        story.created_by = Story._meta.get_field("created_by").related_model.objects.get(username="reporters")
        story.save()
        html = client.get(change_url(story)).content.decode()
        textarea = re.search(r'<textarea name="body"[^>]*>', html).group(0)
        picker = json.loads(attributes(textarea)["data-photo-picker"].replace("&quot;", '"'))
        assert picker["url"] == reverse("admin:photos_photo_picker")
        assert picker["labels"]["button"] == "Insert photo"

    def test_a_saved_photo_is_stored_as_its_reference(self, client, staff, photo):
        staff("Editors")
        story = make_story()
        fields = read_form(client.get(change_url(story)), "story_form")[1]
        # What the editor posts: Tiptap's attribute order, the paragraph around it split by the cleaner.
        fields["body"] = f'<p>Boats <img src="{photo.w800.url}" alt="{ALT}" data-photo="{photo.pk}"> left.</p>'
        assert client.post(change_url(story), fields).status_code == 302
        story.refresh_from_db()
        assert story.body == f"<p>Boats </p>{photo_reference(photo.pk, photo.w800.url, ALT)}<p> left.</p>"
        assert StoryBodyPhoto.objects.filter(story=story, photo=photo).exists()

    def test_a_photo_no_longer_in_the_library_is_named_taken_out_and_the_next_save_works(self, client, staff, photo):
        staff("Editors")
        story = make_story()
        fields = read_form(client.get(change_url(story)), "story_form")[1]
        fields["body"] = f"<p>Kept.</p>{photo_reference(987654, '/media/a.webp')}{placed(photo)}"
        response = client.post(change_url(story), fields)
        assert response.status_code == 200
        html = response.content.decode()
        assert errors_of(html, "body") == [
            "Photo 987654 is no longer in the photo library: it was taken out of the text. "
            "Check the text and save again."
        ]
        again = read_form(response, "story_form")[1]
        assert "987654" not in again["body"] and f'data-photo="{photo.pk}"' in again["body"]
        assert client.post(change_url(story), again).status_code == 302
        story.refresh_from_db()
        assert story.body == f"<p>Kept.</p>{placed(photo)}"

    def test_an_image_copied_from_a_page_without_its_id_is_refused_by_name(self, client, staff, photo):
        staff("Editors")
        story = make_story()
        fields = read_form(client.get(change_url(story)), "story_form")[1]
        fields["body"] = f'<p>Copied <img src="{photo.w800.url}" alt="x"></p>'
        response = client.post(change_url(story), fields)
        assert errors_of(response.content.decode(), "body") == [
            f"The image {photo.w800.url} is not placed from the photo library: remove it and use “Insert photo”."
        ]


class TestPhotoPicker:
    URL = "/admin/photos/photo/picker/"

    def test_reporters_search_the_library_by_caption_in_either_language(self, client, staff, photo):
        staff("Reporters")
        other = make_photo(caption="A tram in the snow.", caption_ko="눈 속의 전차.", alt_text="A tram")
        answer = client.get(self.URL, {"q": "새벽"}).json()
        assert [item["id"] for item in answer["results"]] == [photo.pk]
        assert answer["message"] == "1 photo matches."
        [item] = answer["results"]
        assert item["thumbnail"] == photo.card.url and item["src"] == photo.w800.url
        assert item["alt"] == {"en": ALT, "ko": ALT_KO}
        assert item["words"] == {"en": {"text": CAPTION, "lang": "en"}, "ko": {"text": CAPTION_KO, "lang": "ko"}}
        assert item["credit"] == "Kim Ji-ho"
        newest_first = [item["id"] for item in client.get(self.URL).json()["results"]]
        assert newest_first == [other.pk, photo.pk]

    def test_nothing_found_says_so(self, client, staff, photo):
        staff("Editors")
        assert client.get(self.URL, {"q": "volcano"}).json() == {
            "results": [],
            "message": "No photo matches these words.",
        }

    def test_many_photos_show_the_newest_and_say_there_are_more(self, client, staff, monkeypatch):
        from photos import admin as photos_admin

        monkeypatch.setattr(photos_admin, "PICKER_RESULTS", 2)
        staff("Editors")
        made = [make_photo(400, 300) for _ in range(3)]
        answer = client.get(self.URL).json()
        assert [item["id"] for item in answer["results"]] == [made[2].pk, made[1].pk]
        assert answer["message"].startswith("More than 2 photos match")

    def test_staff_who_may_not_view_photos_are_refused_and_visitors_sent_to_log_in(self, client, staff):
        assert client.get(self.URL).status_code == 302
        staff("Moderators")
        assert client.get(self.URL).status_code == 403


class TestDiff:
    def test_the_diff_names_a_placed_photo_by_its_caption_in_the_body_s_language(self, client, staff, photo):
        staff("Editors")
        story = make_story(body="<p>Before.</p>", body_ko="<p>이전.</p>")
        fields = read_form(client.get(change_url(story)), "story_form")[1]
        assert client.post(change_url(story), fields).status_code == 302
        first = Story.objects.get(pk=story.pk)
        fields = read_form(client.get(change_url(first)), "story_form")[1]
        fields["body"] = f"<p>Before.</p>{placed(photo)}"
        fields["body_ko"] = f"<p>이전.</p>{placed(photo)}"
        assert client.post(change_url(story), fields).status_code == 302
        from articles import revisions

        old = revisions.story_versions(story.pk).last()
        html = client.get(reverse("admin:articles_story_compare", args=[story.pk]), {"from": old.pk}).content.decode()
        assert f"[photo {photo.pk}: {CAPTION}]" in html
        assert f"[photo {photo.pk}: {CAPTION_KO}]" in html
