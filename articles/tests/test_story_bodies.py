"""Rich-text story bodies through the site: every save cleans them, pages show them cleaned again,
feeds and metadata read their text, the importer makes paragraphs, revisions and the admin form."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles import revisions
from articles.models import Story
from articles.rich_text import MAX_BODY_CHARACTERS
from comments.tests.factories import read_form

from .factories import make_story
from .feed_reading import read_feed
from .page_metadata import json_ld, meta_value
from .story_pages import PAGES, import_story

pytestmark = pytest.mark.django_db

RICH_BODY = (
    "<h2>What changes</h2>"
    '<p>Ferries leave at <strong>nine</strong>, says <a href="https://port.example/notice">the notice</a>.</p>'
    "<ul><li><p>Weekdays</p></li><li><p>Holidays</p></li></ul>"
    "<blockquote><p>We asked for this.</p></blockquote>"
)


def story_page(client, story, language="en"):
    with translation.override(language):
        response = client.get(reverse("articles:story", kwargs={"slug": story.slug}))
    assert response.status_code == 200
    return response


def body_of(response, css_class="story-body"):
    html = response.content.decode()
    start = html.index(f'class="{css_class}')
    return html[start : html.index("</div>", start)]


class TestSaving:
    def test_a_save_stores_the_cleaned_body_and_its_plain_text(self):
        story = make_story(body='<p onclick="x()">Hello <script>alert(1)</script><em>world</em></p><p></p>')
        story.refresh_from_db()
        assert (story.body, story.body_plain) == ("<p>Hello <em>world</em></p>", "Hello world")

    def test_a_plain_body_is_stored_as_paragraphs(self):
        story = make_story(body="One\ntwo\n\nThree", body_ko="하나\n\n둘")
        story.refresh_from_db()
        assert (story.body, story.body_ko) == ("<p>One<br>two</p><p>Three</p>", "<p>하나</p><p>둘</p>")
        assert (story.body_plain, story.body_ko_plain) == ("One\ntwo\n\nThree", "하나\n\n둘")

    def test_a_save_of_the_body_alone_keeps_its_plain_text_in_step(self):
        story = make_story(body="<p>Old words.</p>")
        story.body = "<p>New <strong>words</strong>.</p>"
        story.save(update_fields=["body"])
        story.refresh_from_db()
        assert story.body_plain == "New words."

    def test_formatting_alone_does_not_make_the_korean_text_stale(self):
        story = make_story(body="<p>Ferries leave at nine.</p>", body_ko="<p>여객선은 아홉 시에 떠난다.</p>")
        story.body = '<p>Ferries leave at <strong>nine</strong>, <a href="/en/">see</a>.</p>'
        story.save()
        assert story.korean_is_stale  # "see" is a new word
        story.korean_confirmed = True
        story.save()
        story.body = '<p>Ferries leave at <em>nine</em>, <a href="https://port.example/">see</a>.</p>'
        story.save()
        assert not story.korean_is_stale


class TestStoryPage:
    def test_the_english_page_shows_subheadings_links_lists_and_quotes(self, client):
        story = make_story(body=RICH_BODY)
        body = body_of(story_page(client, story))
        assert "<h2>What changes</h2>" in body
        assert '<a href="https://port.example/notice" rel="noopener noreferrer">the notice</a>' in body
        assert "<ul><li><p>Weekdays</p></li><li><p>Holidays</p></li></ul>" in body
        assert "<blockquote><p>We asked for this.</p></blockquote>" in body

    def test_the_korean_page_shows_the_korean_body_marked_korean(self, client):
        story = make_story(
            body=RICH_BODY, body_ko="<h2>달라지는 점</h2><p>여객선은 <strong>아홉 시</strong>에 떠난다.</p>"
        )
        html = story_page(client, story, "ko").content.decode()
        korean = r'<div class="story-body story-body-ko" lang="ko">\s*<h2>달라지는 점</h2>'
        assert re.search(korean + "<p>여객선은 <strong>아홉 시</strong>에", html)
        assert "What changes" not in html

    def test_the_english_page_shows_the_korean_body_under_its_heading_a_level_down(self, client):
        story = make_story(body=RICH_BODY, body_ko="<h2>달라지는 점</h2><p>본문.</p>")
        html = story_page(client, story).content.decode()
        section = html[html.index('aria-labelledby="korean-body-heading"') :]
        section = section[: section.index("</section>")]
        assert "The story in Korean</h2>" in section
        assert "<h3>달라지는 점</h3><p>본문.</p>" in section

    def test_a_row_written_past_save_is_cleaned_on_the_page(self, client):
        story = make_story()
        # update() skips save() and its cleaning, as SQL or an old restore would.
        Story.objects.filter(pk=story.pk).update(
            body='<p onmouseover="steal()">Text<script>alert(1)</script><img src="https://tracker.example/p.gif"></p>'
        )
        body = body_of(story_page(client, Story.objects.get(pk=story.pk)))
        assert "<p>Text</p>" in body
        assert "script" not in body and "onmouseover" not in body and "tracker" not in body

    def test_the_page_describes_the_story_with_the_body_text_when_there_is_no_intro(self, client):
        story = make_story(intro="", body=RICH_BODY)
        response = story_page(client, story)
        description = "What changes Ferries leave at nine, says the notice. Weekdays Holidays We asked for this."
        assert meta_value(response, "description") == description
        assert json_ld(response)["description"] == description

    def test_json_ld_carries_the_body_as_plain_text(self, client):
        story = make_story(body=RICH_BODY)
        assert json_ld(story_page(client, story))["articleBody"] == (
            "What changes\n\nFerries leave at nine, says the notice.\n\nWeekdays\n\nHolidays\n\nWe asked for this."
        )

    def test_json_ld_of_the_korean_page_carries_the_korean_body(self, client):
        story = make_story(body=RICH_BODY, body_ko="<p>여객선은 <em>아홉 시</em>에 떠난다.</p>")
        assert json_ld(story_page(client, story, "ko"))["articleBody"] == "여객선은 아홉 시에 떠난다."


def test_feed_items_describe_the_story_in_plain_text(client):
    make_story(intro="", body=RICH_BODY)
    entry = read_feed(client.get(reverse("articles:feed_rss"))).entries[0]
    assert entry.summary == "What changes Ferries leave at nine, says the notice. Weekdays Holidays We asked for this."


def test_the_card_summary_has_no_markup(client):
    make_story(intro="", body=RICH_BODY)
    html = client.get("/en/").content.decode()
    assert '<p class="summary mb-2">What changes Ferries leave at nine, says the notice.' in html


class TestImport:
    def test_the_importer_makes_the_page_blocks_paragraphs_and_its_lines_line_breaks(self):
        import_story(PAGES / "valid_korean_body.txt")
        story = Story.objects.get()
        assert story.body.startswith(
            "<p>The covers are made of recycled canvas and fold away in winter.<br>"
            "Each one takes about an hour to fit.</p>"
        )
        assert story.body_ko == (
            "<p>중앙공원 벤치 스무 개에 올여름 그늘막이 설치된다.<br>공사는 월요일에 시작된다.</p>"
            "<p>그늘막은 재활용 천으로 만들어지며 겨울에는 접어 둔다.</p>"
        )
        assert story.body_ko_plain == (
            "중앙공원 벤치 스무 개에 올여름 그늘막이 설치된다.\n공사는 월요일에 시작된다.\n\n"
            "그늘막은 재활용 천으로 만들어지며 겨울에는 접어 둔다."
        )

    def test_markup_in_a_page_is_text(self, tmp_path):
        page = (PAGES / "valid_minimal.txt").read_text()
        edited = tmp_path / "edited.txt"
        edited.write_text(page.replace("Timetables will be posted", "Timetables <b>will</b> be posted & kept"))
        import_story(edited)
        assert Story.objects.get().body.endswith(
            "<p>Timetables &lt;b&gt;will&lt;/b&gt; be posted &amp; kept at both terminals this week.</p>"
        )


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


def save_in_admin(client, story, **changes):
    fields = read_form(client.get(change_url(story)), "story_form")[1]
    fields.update(changes)
    return client.post(change_url(story), fields)


class TestAdmin:
    def test_the_change_form_edits_both_bodies_in_the_editor_its_scripts_allowed_by_a_nonce(self, client, editor):
        story = make_story(body=RICH_BODY, body_ko="<p>본문.</p>")
        response = client.get(change_url(story))
        html = response.content.decode()
        assert html.count("data-django-prose-editor-newsroom=") == 2
        korean = re.search(r'<textarea name="body_ko"[^>]*>', html).group(0)
        assert 'lang="ko"' in korean and 'id="id_body_ko"' in korean
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script type="importmap" nonce="{nonce}">' in html
        assert f'<script src="/static/js/story_body_editor.js" nonce="{nonce}" type="module">' in html
        assert "/static/css/story_body_editor.css" in html

    def test_story_pages_have_no_nonce_in_their_policy(self, client):
        story = make_story()
        assert "nonce" not in story_page(client, story)["Content-Security-Policy"]

    def test_what_the_editor_sends_is_stored_cleaned(self, client, editor):
        story = make_story()
        sent = '<h2>Sub</h2><p>A <a href="https://port.example/" target="_blank">link</a><script>x</script></p><p></p>'
        assert save_in_admin(client, story, body=sent).status_code == 302
        story.refresh_from_db()
        assert story.body == '<h2>Sub</h2><p>A <a href="https://port.example/" rel="noopener noreferrer">link</a></p>'

    def test_an_empty_editor_is_an_empty_required_body(self, client, editor):
        story = make_story()
        response = save_in_admin(client, story, body="<p></p>")
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()

    def test_a_story_in_korean_only_is_saved_without_an_english_body(self, client, editor):
        story = make_story(headline="부산항 개막", headline_ko="부산항 개막", body="", body_ko="<p>본문.</p>")
        assert save_in_admin(client, story, body="<p></p>", body_ko="<p>고친 본문.</p>").status_code == 302
        story.refresh_from_db()
        assert (story.body, story.body_ko) == ("", "<p>고친 본문.</p>")

    def test_without_a_body_in_either_language_the_english_one_is_required(self, client, editor):
        story = make_story(body="<p>Kept.</p>", body_ko="")
        response = save_in_admin(client, story, body="<p></p>", body_ko="<p> </p>")
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        story.refresh_from_db()
        assert story.body == "<p>Kept.</p>"

    def test_a_photo_from_elsewhere_is_refused_with_its_address(self, client, editor, settings):
        settings.MEDIA_URL = "/media/"
        story = make_story()
        response = save_in_admin(client, story, body='<p>Text <img src="https://photos.example/a.jpg" alt="a"></p>')
        assert response.status_code == 200
        assert (
            "Only photos from our photo library can be in a story: https://photos.example/a.jpg is not one of them."
            in response.content.decode()
        )

    def test_a_body_over_the_limit_is_refused_next_to_the_field_and_kept_in_the_form(self, client, editor):
        story = make_story(body="<p>Before.</p>")
        sent = "<p>" + "word " * (MAX_BODY_CHARACTERS // 5) + "</p>"
        response = save_in_admin(client, story, body=sent)
        assert response.status_code == 200
        html = response.content.decode()
        assert f"This text is too long: {len(sent):,} characters, at most {MAX_BODY_CHARACTERS:,}." in html
        assert re.search(r'<textarea name="body"[^>]*>\s*&lt;p&gt;word word', html)
        story.refresh_from_db()
        assert story.body == "<p>Before.</p>"

    def test_a_body_under_the_limit_is_saved(self, client, editor):
        story = make_story()
        sent = "<p>" + "word " * (MAX_BODY_CHARACTERS // 5 - 2) + "</p>"
        assert len(sent) <= MAX_BODY_CHARACTERS
        assert save_in_admin(client, story, body=sent).status_code == 302
        story.refresh_from_db()
        assert story.body.startswith("<p>word word")

    def test_autosave_refuses_a_body_over_the_limit(self, client, editor):
        story = make_story()
        response = client.post(
            reverse("admin:articles_story_autosave", args=[story.pk]),
            {"body": "<p>" + "word " * (MAX_BODY_CHARACTERS // 5) + "</p>"},
        )
        assert response.status_code == 400
        assert "This text is too long" in response.json()["errors"]["body"][0]
        assert not revisions.autosaves_of(story.pk, editor).exists()

    def test_the_model_refuses_a_body_over_the_limit(self):
        story = make_story()
        story.body_ko = "x" * (MAX_BODY_CHARACTERS + 1)
        with pytest.raises(ValidationError) as refused:
            story.full_clean()
        assert "body_ko" in refused.value.message_dict

    def test_autosave_keeps_the_text_of_a_body_with_a_photo_from_elsewhere(self, client, editor, settings):
        settings.MEDIA_URL = "/media/"
        story = make_story()
        response = client.post(
            reverse("admin:articles_story_autosave", args=[story.pk]),
            {"body": '<p>Unsaved text <img src="https://photos.example/a.jpg" alt="a"></p>'},
        )
        assert response.json()["saved"] is True
        [draft] = revisions.autosaves_of(story.pk, editor)
        assert draft.field_dict["body"] == "<p>Unsaved text </p>"

    def test_restoring_a_revision_from_before_the_rich_format_gives_paragraphs(self, client, editor):
        story = make_story(body="<p>Today.</p>")
        save_in_admin(client, story, body="<p>Today.</p>")
        [version] = revisions.story_versions(story.pk)
        # A revision kept while bodies were plain text (before migration 0019).
        data = json.loads(version.serialized_data)
        data[0]["fields"].update(body="Old first line\nold second line\n\nOld paragraph & more.", body_plain=None)
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
        save_in_admin(client, story, body="<p>Today, edited.</p>")

        restore = reverse("admin:articles_story_revision", args=[story.pk, version.pk])
        fields = read_form(client.get(restore), "story_form")[1]
        assert fields["body"] == "<p>Old first line<br>old second line</p><p>Old paragraph &amp; more.</p>"
        assert client.post(restore, fields).status_code == 302
        story.refresh_from_db()
        assert story.body == "<p>Old first line<br>old second line</p><p>Old paragraph &amp; more.</p>"
        assert story.body_plain == "Old first line\nold second line\n\nOld paragraph & more."
        assert "<p>Old first line<br>old second line</p>" in body_of(story_page(client, story))

    def test_the_diff_reads_bodies_as_text_with_their_markup_spelled_out(self, client, editor):
        story = make_story(body="<p>Ferries leave at nine.</p>")
        save_in_admin(client, story, body="<p>Ferries leave at nine.</p>")
        [first] = revisions.story_versions(story.pk)
        save_in_admin(
            client, story, body='<p>Ferries leave at <a href="https://port.example/">ten</a>.</p><h2>Times</h2>'
        )
        compare = reverse("admin:articles_story_compare", args=[story.pk])
        page = client.get(compare, {"from": first.pk}).content.decode()
        assert "<del>nine.</del>" in page and "<ins>ten &lt;https://port.example/&gt;.</ins>" in page
        assert "<ins>## Times</ins>" in page
        assert "&lt;h2&gt;" not in page and "&lt;p&gt;" not in page
