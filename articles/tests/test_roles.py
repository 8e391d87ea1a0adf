"""Roles in the story admin: reporters write their own drafts and submit them, editors publish and
schedule, moderators keep to comments; every move of a story's status is logged with who and when.

Every refusal is checked on the server: the forms are posted directly, as a changed page would send them.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Story, StoryStatusChange
from comments.tests.factories import read_form

from .factories import make_outlet, make_story

pytestmark = pytest.mark.django_db


def staff_in(django_user_model, group, username):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reporter(django_user_model):
    return staff_in(django_user_model, "Reporters", "reporter")


@pytest.fixture
def editor(django_user_model):
    return staff_in(django_user_model, "Editors", "editor")


def logged_in(client, user):
    client.force_login(user)
    return client


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


def story_form(client, url):
    """The story form's fields at `url` as a browser would send them unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return read_form(response, "story_form")[1]


def new_story_data(client, outlet, **values):
    data = story_form(client, reverse("admin:articles_story_add"))
    data.update(
        {"headline": "Harbour ferry adds a night crossing", "slug": "", "body": "A paragraph.", "outlet": outlet.pk}
    )
    data.update(values)
    return data


def draft_of(user, **fields):
    """A story of `user`'s: an undated draft unless `fields` say otherwise."""
    return make_story(**{"status": Story.Status.DRAFT, "published_at": None, "created_by": user, **fields})


def test_groups_reporters_submit_editors_publish_moderators_have_no_story_permission():
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    reporters, editors, moderators = codenames("Reporters"), codenames("Editors"), codenames("Moderators")
    assert {"add_story", "change_story", "view_story", "submit_story"} <= reporters
    assert not {"publish_story", "delete_story"} & reporters
    assert {"publish_story", "submit_story", "change_story", "delete_story"} <= editors
    assert not {name for name in moderators if name.endswith("_story")}


def test_reporter_writes_a_draft_that_is_theirs_and_logged(client, reporter):
    client = logged_in(client, reporter)
    response = client.post(reverse("admin:articles_story_add"), new_story_data(client, make_outlet()))
    assert response.status_code == 302, response.content.decode()[:3000]
    story = Story.objects.get()
    assert (story.status, story.created_by, story.published_at) == (Story.Status.DRAFT, reporter, None)
    change = story.status_changes.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("", Story.Status.DRAFT, reporter)


def test_reporter_submits_their_draft_for_review(client, reporter):
    story = draft_of(reporter)
    client = logged_in(client, reporter)
    response = client.post(change_url(story), {**story_form(client, change_url(story)), "status": "in_review"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW
    change = story.status_changes.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("draft", "in_review", reporter)
    assert change.changed_at > timezone.now() - dt.timedelta(minutes=1)


def test_reporter_cannot_publish_a_new_story_by_posting_the_status(client, reporter):
    client = logged_in(client, reporter)
    data = new_story_data(
        client, make_outlet(), status="published", published_at_0="2026-11-01", published_at_1="09:00"
    )
    response = client.post(reverse("admin:articles_story_add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Story.objects.exists()


def test_reporter_cannot_publish_their_draft_by_posting_the_status(client, reporter):
    story = draft_of(reporter)
    client = logged_in(client, reporter)
    data = {**story_form(client, change_url(story)), "status": "published"}
    assert client.post(change_url(story), data).status_code == 200
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    assert not story.status_changes.exists()


def test_reporter_cannot_set_a_publication_time(client, reporter):
    story = draft_of(reporter)
    client = logged_in(client, reporter)
    form = story_form(client, change_url(story))
    assert "published_at_0" not in form
    data = {**form, "status": "in_review", "published_at_0": "2030-01-01", "published_at_1": "09:00"}
    assert client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert (story.status, story.published_at) == (Story.Status.IN_REVIEW, None)


def test_reporter_neither_sees_nor_edits_another_reporters_story(client, reporter, django_user_model):
    other = staff_in(django_user_model, "Reporters", "colleague")
    theirs = draft_of(other, headline="A colleague's scoop")
    mine = draft_of(reporter, headline="My own story")
    client = logged_in(client, reporter)
    listing = client.get(reverse("admin:articles_story_changelist")).content.decode()
    assert "My own story" in listing
    assert "A colleague" not in listing
    assert client.get(change_url(theirs)).status_code == 302  # "doesn't exist": to the admin index
    data = {**story_form(client, change_url(mine)), "headline": "Taken over"}
    client.post(change_url(theirs), data)
    theirs.refresh_from_db()
    assert theirs.headline == "A colleague's scoop"


def test_reporter_cannot_edit_an_imported_story(client, reporter):
    imported = make_story(headline="Imported by the desk")  # no created_by: an editors' story
    client = logged_in(client, reporter)
    assert client.get(change_url(imported)).status_code == 302
    assert client.post(change_url(imported), {"headline": "Changed"}).status_code == 302
    imported.refresh_from_db()
    assert imported.headline == "Imported by the desk"


def test_reporter_cannot_change_their_story_once_it_is_in_review(client, reporter):
    story = draft_of(reporter, status=Story.Status.IN_REVIEW)
    client = logged_in(client, reporter)
    page = client.get(change_url(story))
    assert page.status_code == 200  # they may read it
    assert 'name="headline"' not in page.content.decode()
    assert client.post(change_url(story), {"headline": "Changed in review"}).status_code == 403
    story.refresh_from_db()
    assert story.headline != "Changed in review"


@pytest.mark.parametrize("action", ["publish", "unpublish", "confirm_korean_text"])
def test_reporter_cannot_use_the_editors_actions(client, reporter, action):
    story = draft_of(reporter, status=Story.Status.IN_REVIEW)
    client = logged_in(client, reporter)
    listing = client.get(reverse("admin:articles_story_changelist")).content.decode()
    assert f'value="{action}"' not in listing
    client.post(reverse("admin:articles_story_changelist"), {"action": action, "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW
    assert not story.status_changes.exists()


def test_reporter_cannot_delete_their_story(client, reporter):
    story = draft_of(reporter)
    client = logged_in(client, reporter)
    assert client.post(reverse("admin:articles_story_delete", args=[story.pk]), {"post": "yes"}).status_code == 403
    assert Story.objects.filter(pk=story.pk).exists()


def test_a_story_in_review_is_never_public(client, reporter):
    story = draft_of(reporter, status=Story.Status.IN_REVIEW, published_at=timezone.now() - dt.timedelta(hours=1))
    assert not story.is_public
    assert not Story.objects.published().filter(pk=story.pk).exists()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_editor_publishes_a_story_in_review_with_the_action_and_it_is_logged(client, editor, reporter):
    story = draft_of(reporter, status=Story.Status.IN_REVIEW)
    client = logged_in(client, editor)
    response = client.post(
        reverse("admin:articles_story_changelist"), {"action": "publish", "_selected_action": [story.pk]}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_public
    change = story.status_changes.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("in_review", "published", editor)
    assert client.get(story.get_absolute_url()).status_code == 200


def test_editor_returns_a_story_to_draft_and_it_is_logged(client, editor):
    story = make_story()
    logged_in(client, editor).post(
        reverse("admin:articles_story_changelist"), {"action": "unpublish", "_selected_action": [story.pk]}
    )
    change = StoryStatusChange.objects.get(story=story)
    assert (change.old_status, change.new_status, change.changed_by) == ("published", "draft", editor)


def test_editor_schedules_a_story_and_it_stays_hidden_until_then(client, editor, reporter):
    story = draft_of(reporter, status=Story.Status.IN_REVIEW)
    client = logged_in(client, editor)
    when = timezone.localtime(timezone.now() + dt.timedelta(days=2))
    data = {
        **story_form(client, change_url(story)),
        "status": "published",
        "published_at_0": f"{when:%Y-%m-%d}",
        "published_at_1": f"{when:%H:%M:%S}",
    }
    assert client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.is_scheduled and not story.is_public
    assert story.status_changes.get().was_scheduling
    scheduled = client.get(reverse("admin:articles_story_changelist"), {"workflow": "scheduled"})
    assert [row.pk for row in scheduled.context["cl"].result_list] == [story.pk]
    assert "Scheduled" in client.get(change_url(story)).content.decode()


def test_editor_sees_every_story_and_the_ones_in_review_in_the_filter(client, editor, reporter):
    waiting = draft_of(reporter, status=Story.Status.IN_REVIEW)
    draft_of(reporter)
    make_story()
    client = logged_in(client, editor)
    assert story_changelist_count(client) == 3
    in_review = client.get(reverse("admin:articles_story_changelist"), {"workflow": "in_review"})
    assert [row.pk for row in in_review.context["cl"].result_list] == [waiting.pk]


def story_changelist_count(client):
    return client.get(reverse("admin:articles_story_changelist")).context["cl"].result_count


def test_status_history_on_the_change_page_says_who_and_when(client, editor, reporter, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    story = draft_of(reporter)
    StoryStatusChange.objects.create(
        story=story,
        old_status="draft",
        new_status="in_review",
        changed_by=reporter,
        changed_at=dt.datetime(2026, 11, 3, 1, 30, tzinfo=dt.UTC),
    )
    html = logged_in(client, editor).get(change_url(story)).content.decode()
    assert '<time datetime="2026-11-03T10:30:00+09:00">2026-11-03 10:30 KST</time>: Draft → In review, reporter' in html


def test_admin_index_lists_stories_in_review_and_scheduled_in_the_editors_zone(client, editor, reporter, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    waiting = draft_of(reporter, headline="Waiting for an editor", status=Story.Status.IN_REVIEW)
    StoryStatusChange.objects.create(
        story=waiting,
        old_status="draft",
        new_status="in_review",
        changed_by=reporter,
        changed_at=dt.datetime(2026, 11, 3, 1, 30, tzinfo=dt.UTC),
    )
    later = timezone.now() + dt.timedelta(days=1)
    make_story(headline="Out tomorrow", published_at=later)
    make_story(headline="Out already")
    html = logged_in(client, editor).get(reverse("admin:index")).content.decode()
    assert "Waiting for an editor</a>\n      (reporter)" in html
    assert 'submitted <time datetime="2026-11-03T10:30:00+09:00">2026-11-03 10:30 KST</time>' in html
    assert "Out tomorrow" in html
    assert f"{timezone.localtime(later):%Y-%m-%d %H:%M} KST" in html
    assert "Out already" not in html


def test_admin_index_has_no_workflow_block_for_reporters(client, reporter):
    draft_of(reporter, headline="Waiting for an editor", status=Story.Status.IN_REVIEW)
    html = logged_in(client, reporter).get(reverse("admin:index")).content.decode()
    assert "Stories waiting for editors" not in html


def test_moderator_cannot_open_stories(client, django_user_model):
    moderator = staff_in(django_user_model, "Moderators", "moderator")
    story = make_story()
    client = logged_in(client, moderator)
    assert client.get(reverse("admin:articles_story_changelist")).status_code == 403
    assert client.get(change_url(story)).status_code == 403
    assert client.get(reverse("admin:articles_story_add")).status_code == 403
    assert "Stories waiting for editors" not in client.get(reverse("admin:index")).content.decode()


def test_reporter_previews_their_own_draft_on_the_site_but_not_anothers(client, reporter, django_user_model):
    other = staff_in(django_user_model, "Reporters", "colleague")
    mine, theirs = draft_of(reporter), draft_of(other, status=Story.Status.IN_REVIEW)
    client = logged_in(client, reporter)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_editor_previews_any_draft_on_the_site(client, editor, reporter):
    story = draft_of(reporter, status=Story.Status.IN_REVIEW)
    assert logged_in(client, editor).get(story.get_absolute_url()).status_code == 200


def test_editor_moving_a_published_storys_time_is_logged_and_a_plain_edit_is_not(client, editor):
    story = make_story()
    client = logged_in(client, editor)
    form = story_form(client, change_url(story))
    assert client.post(change_url(story), {**form, "headline": "Only the headline changed"}).status_code == 302
    assert not story.status_changes.exists()
    later = timezone.localtime(timezone.now() + dt.timedelta(hours=5))
    form = story_form(client, change_url(story))  # the form as it is now: an old one is a save conflict
    data = {**form, "published_at_0": f"{later:%Y-%m-%d}", "published_at_1": f"{later:%H:%M:%S}"}
    assert client.post(change_url(story), data).status_code == 302
    change = story.status_changes.get()
    assert (change.old_status, change.new_status, change.was_scheduling) == ("published", "published", True)
