"""Story revisions: admin saves and imports keep one, the diff is escaped, restore is a new revision
that readers see at once, autosave never touches the live story, editors are warned of each other."""

import datetime as dt
from io import StringIO

import pytest
import reversion
from django.contrib.auth.models import Group
from django.core.management import call_command
from reversion.models import Version

from articles import revisions
from articles.models import Story, StoryHashtag
from comments.tests.factories import read_form

from .factories import make_correction, make_story
from .story_pages import SEED_PAGE  # noqa: F401 - the seed page's helpers live there

pytestmark = pytest.mark.django_db


def staff_in(django_user_model, group, username):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = staff_in(django_user_model, "Editors", "editor")
    client.force_login(user)
    return user


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def open_form(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return read_form(response, "story_form")[1]


def save_story(client, story, **changes):
    """Open the story's change form, change `changes`, save; returns the response."""
    fields = open_form(client, change_url(story))
    fields.update(changes)
    return client.post(change_url(story), fields)


def versions_of(story):
    return list(revisions.story_versions(story.pk))


def test_an_admin_save_keeps_a_revision_with_the_editor_and_the_change(client, editor):
    story = make_story(hashtags=["Seoul", "Busan"])
    response = save_story(client, story, body="A new body.")
    assert response.status_code == 302
    [version] = versions_of(story)
    assert version.revision.user == editor
    assert "Body" in version.revision.get_comment() or "body" in version.revision.get_comment().lower()
    assert version.field_dict["body"] == "<p>A new body.</p>"
    links = Version.objects.filter(revision=version.revision, content_type__model="storyhashtag")
    assert sorted(link.field_dict["position"] for link in links) == [0, 1]


def test_an_import_keeps_a_revision_without_user_naming_the_file(seed_page):
    call_command("import_story", str(seed_page), stdout=StringIO(), stderr=StringIO())
    story = Story.objects.get()
    [version] = versions_of(story)
    assert version.revision.user is None
    assert version.revision.comment == f"imported from {seed_page}"
    assert Version.objects.filter(revision=version.revision, content_type__model="storyhashtag").count() == (
        story.hashtag_links.count()
    )


def test_the_diff_escapes_hostile_text_and_shows_hidden_characters():
    rows = revisions.diff_rows("Safe line.", "<script>alert(1)</script> \u202eevil")
    [(kind, old, new)] = rows
    assert kind == "changed"
    assert "<script>" not in new
    assert "&lt;script&gt;" in new
    assert "\u202e" not in new
    assert '<span class="diff-hidden">U+202E</span>' in new
    assert old.startswith("<del>Safe</del>")


def test_the_diff_marks_changed_words_and_added_lines():
    rows = revisions.diff_rows("One two three.", "One two four.\nA new line.")
    assert rows[0] == ("changed", "One two <del>three.</del>", "One two <ins>four.</ins>")
    assert rows[1] == ("added", None, "<ins>A new line.</ins>")


def test_the_compare_page_shows_both_languages_escaped(client, editor):
    story = make_story(body="Old body.", body_ko="옛 본문.")
    save_story(client, story, body="Old body.", headline="First save")
    # Typed into the editor as text: the diff reads the body as text, escaped like any other.
    save_story(client, story, body="<p>&lt;b&gt;New&lt;/b&gt; body.</p>", body_ko="새 본문.", intro_ko="새 소개.")
    first = versions_of(story)[-1]
    response = client.get(f"/admin/articles/story/{story.pk}/history/compare/?from={first.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "&lt;b&gt;New&lt;/b&gt;" in page and "<b>New</b>" not in page
    assert "<del>옛</del>" in page and "<ins>새</ins>" in page
    assert "<ins>새 소개.</ins>" in page


def test_a_reporter_cannot_compare_the_revisions_of_a_story_that_is_not_theirs(client, editor, django_user_model):
    story = make_story(status=Story.Status.DRAFT, published_at=None, body="Embargoed until noon.")
    save_story(client, story, body="Embargoed until noon, second draft.")
    first = versions_of(story)[-1]
    reporter = staff_in(django_user_model, "Reporters", "reporter")
    client.force_login(reporter)
    response = client.get(f"/admin/articles/story/{story.pk}/history/compare/?from={first.pk}")
    assert response.status_code == 404
    assert "Embargoed" not in response.content.decode()


def test_a_reporter_compares_the_revisions_of_their_own_story(client, editor, django_user_model):
    reporter = staff_in(django_user_model, "Reporters", "reporter")
    story = make_story(status=Story.Status.DRAFT, published_at=None, body="My first draft.", created_by=reporter)
    save_story(client, story, body="My first draft, edited.")
    first = versions_of(story)[-1]
    client.force_login(reporter)
    response = client.get(f"/admin/articles/story/{story.pk}/history/compare/?from={first.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize("group", ["Reporters", "Editors"])
def test_only_superusers_see_and_recover_deleted_stories(client, django_user_model, group):
    story = make_story(headline="Secret draft about a merger")
    with reversion.create_revision():
        story.save()
    story.delete()
    version = Version.objects.get_deleted(Story).get()
    client.force_login(staff_in(django_user_model, group, "staff"))
    assert client.get("/admin/articles/story/recover/").status_code == 403
    assert client.get(f"/admin/articles/story/recover/{version.pk}/").status_code == 403
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
    page = client.get("/admin/articles/story/recover/")
    assert page.status_code == 200
    assert "Secret draft about a merger" in page.content.decode()


def test_the_history_lists_revisions_with_compare_and_restore_links(client, editor):
    story = make_story()
    save_story(client, story, body="A second body.")
    response = client.get(f"/admin/articles/story/{story.pk}/history/")
    [version] = versions_of(story)
    page = response.content.decode()
    assert f"history/compare/?from={version.pk}" in page
    assert f"/history/{version.pk}/" in page


def test_restoring_a_revision_saves_it_as_a_new_one_and_moves_the_page_version(client, editor):
    story = make_story(hashtags=["First", "Second"])
    save_story(client, story, body="Version one.")
    first = versions_of(story)[0]
    save_story(client, story, body="Version two.")
    StoryHashtag.objects.filter(story=story).delete()
    before = Story.objects.get(pk=story.pk).page_version

    fields = open_form(client, f"/admin/articles/story/{story.pk}/history/{first.pk}/")
    assert fields["body"] == "<p>Version one.</p>"
    response = client.post(f"/admin/articles/story/{story.pk}/history/{first.pk}/", fields)
    assert response.status_code == 302

    story.refresh_from_db()
    assert story.body == "<p>Version one.</p>"
    assert story.page_version > before
    assert [tag.name for tag in story.hashtags.order_by("story_links__position")] == ["First", "Second"]
    newest = versions_of(story)
    assert len(newest) == 3
    assert newest[0].revision.get_comment().startswith("Restored the version of")
    assert newest[0].revision.user == editor


def test_restoring_a_revision_whose_lead_photo_was_deleted_since_restores_it_without_one(client, editor):
    from photos.tests.factories import make_photo

    photo = make_photo()
    story = make_story(lead_photo=photo)
    save_story(client, story, body="With the old photo.")
    first = versions_of(story)[0]
    save_story(client, story, body="Without a photo.", lead_photo="")
    photo.delete()

    url = f"/admin/articles/story/{story.pk}/history/{first.pk}/"
    fields = open_form(client, url)
    assert not fields.get("lead_photo")
    assert client.post(url, fields).status_code == 302
    story.refresh_from_db()
    assert (story.body, story.lead_photo) == ("<p>With the old photo.</p>", None)


def test_restoring_keeps_the_corrections_published_since(client, editor):
    story = make_story(body="Version one.")
    save_story(client, story, body="Version one.")
    first = versions_of(story)[0]
    correction = make_correction(story, text="The figure was wrong.")
    save_story(client, story, body="Version two.")

    url = f"/admin/articles/story/{story.pk}/history/{first.pk}/"
    assert client.post(url, open_form(client, url)).status_code == 302
    story.refresh_from_db()
    assert story.body == "<p>Version one.</p>"
    assert list(story.corrections.values_list("pk", "text")) == [(correction.pk, "The figure was wrong.")]


def test_looking_at_a_revision_changes_nothing(client, editor):
    story = make_story(body="Version one.")
    save_story(client, story, body="Version one.")
    first = versions_of(story)[0]
    save_story(client, story, body="Version two.")
    before = Story.objects.get(pk=story.pk).page_version
    response = client.get(f"/admin/articles/story/{story.pk}/history/{first.pk}/")
    assert "Version one." in response.content.decode()
    story.refresh_from_db()
    assert (story.body, story.page_version, len(versions_of(story))) == ("<p>Version two.</p>", before, 2)


def test_a_restore_is_an_edit_for_the_stale_korean_rule(client, editor):
    story = make_story(body="English one.", body_ko="한국어.")
    save_story(client, story, body="English one.", korean_confirmed="on")
    first = versions_of(story)[0]
    save_story(client, story, body="English two.", korean_confirmed="on")
    fields = open_form(client, f"/admin/articles/story/{story.pk}/history/{first.pk}/")
    fields.pop("korean_confirmed", None)
    client.post(f"/admin/articles/story/{story.pk}/history/{first.pk}/", fields)
    story.refresh_from_db()
    assert story.body == "<p>English one.</p>"
    assert story.korean_is_stale


def autosave(client, story, **fields):
    return client.post(f"/admin/articles/story/{story.pk}/autosave/", fields)


def test_autosave_keeps_a_draft_revision_and_leaves_the_live_story_alone(client, editor):
    story = make_story(body="Live body.")
    version = Story.objects.get(pk=story.pk).page_version
    response = autosave(client, story, headline=story.headline, body="<p>Half-typed <strong>draft")
    assert response.status_code == 200 and response.json()["saved"] is True
    story.refresh_from_db()
    assert story.body == "<p>Live body.</p>"
    assert story.page_version == version
    [draft] = versions_of(story)
    assert draft.revision.comment == "autosave" and draft.revision.user == editor
    assert draft.field_dict["body"] == "<p>Half-typed <strong>draft</strong></p>"


def test_a_second_autosave_replaces_the_first_and_unchanged_text_is_not_kept(client, editor):
    story = make_story(body="Live body.")
    assert autosave(client, story, body="Live body.").json()["saved"] is False
    autosave(client, story, body="Draft one.")
    assert autosave(client, story, body="Draft one.").json()["saved"] is False
    autosave(client, story, body="Draft two.")
    [draft] = versions_of(story)
    assert draft.field_dict["body"] == "<p>Draft two.</p>"


def test_autosave_needs_permission_to_change_stories(client, django_user_model):
    story = make_story(body="Live body.")
    client.force_login(staff_in(django_user_model, "Moderators", "moderator"))
    assert autosave(client, story, body="Vandalism.").status_code == 403
    assert versions_of(story) == []


def test_autosave_refuses_text_over_the_form_limits(client, editor):
    story = make_story()
    response = autosave(client, story, headline="x" * 301, body="A draft.")
    assert response.status_code == 400
    assert "headline" in response.json()["errors"]
    assert versions_of(story) == []


def test_autosave_refuses_a_body_over_the_upload_limit(client, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    story = make_story()
    response = autosave(client, story, body="x" * 20_000)
    assert response.status_code in (400, 413)
    assert versions_of(story) == []


def test_autosave_answers_get_with_405(client, editor):
    story = make_story()
    assert client.get(f"/admin/articles/story/{story.pk}/autosave/").status_code == 405


def test_an_editor_is_warned_that_another_has_the_story_open(client, editor, django_user_model):
    story = make_story()
    other = staff_in(django_user_model, "Editors", "other")
    revisions.note_presence(story.pk, other, now=revisions.timezone.now() - dt.timedelta(minutes=1, seconds=5))
    page = client.get(change_url(story)).content.decode()
    assert "Other opened this story 1 minute ago" in page


def test_the_presence_of_an_editor_expires_after_two_minutes(client, editor, django_user_model):
    story = make_story()
    other = staff_in(django_user_model, "Editors", "other")
    revisions.note_presence(story.pk, other, now=revisions.timezone.now() - dt.timedelta(minutes=2, seconds=1))
    page = client.get(change_url(story)).content.decode()
    assert "Other opened this story" not in page


def test_saving_over_a_newer_version_shows_a_conflict_instead_of_overwriting(client, editor, django_user_model):
    story = make_story(body="Original.")
    mine = open_form(client, change_url(story))
    other_client = client.__class__()
    other_client.force_login(staff_in(django_user_model, "Editors", "other"))
    assert save_story(other_client, story, body="Their edit.").status_code == 302

    mine["body"] = "My edit."
    response = client.post(change_url(story), mine)
    assert response.status_code == 200
    assert "other saved this story" in response.content.decode()
    story.refresh_from_db()
    assert story.body == "<p>Their edit.</p>"

    again = read_form(response, "story_form")[1]
    assert client.post(change_url(story), again).status_code == 302
    story.refresh_from_db()
    assert story.body == "<p>My edit.</p>"


def test_an_editor_restores_an_autosave_from_the_history(client, editor):
    story = make_story(body="Live body.")
    autosave(client, story, body="The text of a closed tab.")
    [draft] = versions_of(story)
    assert "Autosave (not published)" in client.get(f"/admin/articles/story/{story.pk}/history/").content.decode()
    url = f"/admin/articles/story/{story.pk}/history/{draft.pk}/"
    assert client.post(url, open_form(client, url)).status_code == 302
    story.refresh_from_db()
    assert story.body == "<p>The text of a closed tab.</p>"


@pytest.mark.parametrize("object_id", ["999999999999999999999999999999", "0", "-1", "abc"])
@pytest.mark.parametrize(
    "page", ["history/", "history/compare/?from=1", "history/99999999999999999999999/", "autosave/"]
)
def test_revision_pages_of_odd_addresses_answer_404(client, editor, object_id, page):
    response = (
        client.post(f"/admin/articles/story/{object_id}/{page}")
        if page == "autosave/"
        else (client.get(f"/admin/articles/story/{object_id}/{page}"))
    )
    assert response.status_code in (302, 404)


def test_a_compare_with_an_odd_version_answers_404(client, editor):
    story = make_story()
    for query in ("?from=99999999999999999999999", "?from=", "?from=1&to=x", ""):
        assert client.get(f"/admin/articles/story/{story.pk}/history/compare/{query}").status_code == 404


def test_a_deleted_story_keeps_its_revisions_for_superusers_to_recover(client, django_user_model):
    chief = django_user_model.objects.create_superuser("chief", "chief@example.com", "x")
    client.force_login(chief)
    story = make_story(body="Kept for the record.")
    save_story(client, story, body="Kept for the record.")
    story_id = story.pk
    story.delete()
    assert len(revisions.story_versions(story_id)) == 1
    assert "Kept for the record." in Version.objects.get_deleted(Story).get().serialized_data
    assert client.get("/admin/articles/story/recover/").status_code == 200


def test_no_admin_page_deletes_revisions():
    from django.contrib import admin
    from reversion.models import Revision

    assert Version not in admin.site._registry and Revision not in admin.site._registry


def test_an_editor_who_saved_is_no_longer_shown_as_editing(client, editor, django_user_model):
    story = make_story()
    assert save_story(client, story, body="Saved and gone.").status_code == 302
    other = client.__class__()
    other.force_login(staff_in(django_user_model, "Editors", "other"))
    assert "opened this story" not in other.get(change_url(story)).content.decode()


def test_restoring_a_draft_revision_leaves_the_story_published(client, editor):
    story = make_story(status=Story.Status.DRAFT, published_at=None, body="Draft text.")
    save_story(client, story, body="Draft text.")
    draft = versions_of(story)[0]
    Story.objects.filter(pk=story.pk).update(status=Story.Status.PUBLISHED, published_at=revisions.timezone.now())
    url = f"/admin/articles/story/{story.pk}/history/{draft.pk}/"
    fields = open_form(client, url)
    assert fields["status"] == "published"
    assert client.post(url, fields).status_code == 302
    story.refresh_from_db()
    assert (story.body, story.status) == ("<p>Draft text.</p>", "published")


def test_a_reporter_only_reading_a_story_is_not_shown_as_editing_it_nor_autosaved(client, editor, django_user_model):
    reporter = staff_in(django_user_model, "Reporters", "reader")
    story = make_story(status=Story.Status.IN_REVIEW, created_by=reporter)
    client.force_login(reporter)
    page = client.get(change_url(story))
    assert page.status_code == 200 and 'name="headline"' not in page.content.decode()  # read-only
    assert 'id="story-autosave"' not in page.content.decode()
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert "opened this story" not in page
    assert 'id="story-autosave"' in page
