"""Corrections in the story's admin: Editors add and change them, Moderators cannot, nobody but a
superuser deletes one, and only a published story takes a new one."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, Permission

from articles.models import Correction, Story
from comments.tests.factories import read_form

from .factories import make_correction, make_story

pytestmark = pytest.mark.django_db


def story_form(response):
    """The story form's fields as a browser would send them unchanged."""
    assert response.status_code == 200, response.status_code
    return read_form(response, "story_form")[1]


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


def staff_in(django_user_model, group, username):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = staff_in(django_user_model, "Editors", "editor")
    client.force_login(user)
    return user


def with_new_correction(fields, **values):
    """The story form's fields with one new correction filled in."""
    count = int(fields["corrections-TOTAL_FORMS"])
    data = {**fields, "corrections-TOTAL_FORMS": str(count + 1)}
    prefix = f"corrections-{count}-"
    data.update(
        {
            f"{prefix}published_at_0": "2026-11-06",
            f"{prefix}published_at_1": "09:00:00",
            f"{prefix}text": "An earlier version misspelled the ferry's name.",
            f"{prefix}text_ko": "",
            f"{prefix}id": "",
            f"{prefix}story": fields.get("id", ""),
        }
    )
    data.update({f"{prefix}{name}": value for name, value in values.items()})
    return data


def test_editors_group_may_add_change_and_view_corrections_but_not_delete_them():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_correction", "change_correction", "view_correction"} <= codenames
    assert "delete_correction" not in codenames


def test_moderators_group_has_no_permission_on_corrections():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
    assert not {code for code in codenames if code.endswith("_correction")}


def test_editor_adds_a_correction_in_the_story_admin(client, editor):
    story = make_story(headline="Ferry story", published_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    page = client.get(change_url(story))
    assert "Corrections" in page.content.decode()
    before = Story.objects.get(pk=story.pk).page_version
    response = client.post(change_url(story), with_new_correction(story_form(page), text_ko="여객선 이름 정정."))
    assert response.status_code == 302, response.content.decode()[:3000]
    correction = Correction.objects.get(story=story)
    assert correction.text == "An earlier version misspelled the ferry's name."
    assert correction.text_ko == "여객선 이름 정정."
    assert correction.created_by == editor
    assert correction.published_at.isoformat() == "2026-11-06T09:00:00+00:00"
    assert Story.objects.get(pk=story.pk).page_version > before


def test_editor_changes_a_correction_and_keeps_who_wrote_it(client, editor, django_user_model):
    story = make_story()
    author = django_user_model.objects.create_user("first", password="x")
    correction = make_correction(story, text="Wrong naem.", created_by=author)
    fields = story_form(client.get(change_url(story)))
    fields["corrections-0-text"] = "Wrong name."
    assert client.post(change_url(story), fields).status_code == 302
    correction.refresh_from_db()
    assert (correction.text, correction.created_by) == ("Wrong name.", author)


def test_editor_is_not_offered_to_delete_a_correction(client, editor):
    story = make_story()
    correction = make_correction(story)
    html = client.get(change_url(story)).content.decode()
    assert "corrections-0-text" in html
    assert 'name="corrections-0-DELETE"' not in html
    fields = story_form(client.get(change_url(story)))
    client.post(change_url(story), {**fields, "corrections-0-DELETE": "on"})
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_a_superuser_may_delete_a_correction(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
    story = make_story()
    make_correction(story)
    fields = story_form(client.get(change_url(story)))
    assert client.post(change_url(story), {**fields, "corrections-0-DELETE": "on"}).status_code == 302
    assert not Correction.objects.exists()


def test_a_correction_of_a_draft_story_is_refused_with_a_message(client, editor):
    story = make_story(status=Story.Status.DRAFT)
    response = client.post(change_url(story), with_new_correction(story_form(client.get(change_url(story)))))
    assert response.status_code == 200
    assert "A correction can be added only to a published story: publish the story first." in response.content.decode()
    assert not Correction.objects.exists()


def test_a_correction_dated_before_the_story_is_refused_with_a_message(client, editor):
    story = make_story(published_at=dt.datetime(2026, 11, 10, tzinfo=dt.UTC))
    response = client.post(change_url(story), with_new_correction(story_form(client.get(change_url(story)))))
    assert response.status_code == 200
    assert "A correction cannot be dated before the story was published." in response.content.decode()
    assert not Correction.objects.exists()


def test_an_editor_can_return_a_corrected_story_to_draft(client, editor):
    story = make_story()
    make_correction(story)
    fields = story_form(client.get(change_url(story)))
    assert client.post(change_url(story), {**fields, "status": "draft"}).status_code == 302
    assert Story.objects.get(pk=story.pk).status == Story.Status.DRAFT
    assert Correction.objects.filter(story=story).count() == 1


def test_a_moderator_cannot_add_a_correction(client, django_user_model):
    moderator = staff_in(django_user_model, "Moderators", "moderator")
    client.force_login(moderator)
    story = make_story()
    assert not moderator.has_perm("articles.add_correction")
    assert client.get(change_url(story)).status_code == 403
    data = {"corrections-TOTAL_FORMS": "1", "corrections-INITIAL_FORMS": "0", "corrections-0-text": "Sneaky."}
    assert client.post(change_url(story), data).status_code == 403
    assert not Correction.objects.exists()


def test_staff_who_may_edit_stories_but_not_corrections_see_no_correction_form(client, django_user_model):
    user = django_user_model.objects.create_user("writer", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_story", "change_story", "publish_story"]))
    client.force_login(user)
    html = client.get(change_url(make_story())).content.decode()
    assert not re.search(r'name="corrections-', html)
