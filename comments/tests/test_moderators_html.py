"""The moderators' new pages and the new states of the comment form are valid HTML (Nu HTML Checker)."""

import shutil

import pytest
from django.test import Client

from comments.commenters import set_standing
from comments.models import Commenter, ModerationListEntry, StoryModeration
from newsroom.tests.test_html_validity import nu_errors

from .factories import make_comment, make_moderator, make_story, post_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]


@pytest.fixture
def java():
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for the Nu HTML Checker (apt-get install default-jre-headless; .ci/run does)")


def test_moderators_pages_and_the_form_s_new_states_have_no_html_errors(client, django_user_model, tmp_path, java):
    story = make_story(headline="Harbour ferry adds an evening crossing")
    parent = make_comment(story, author_name="Min", text="The ferry should run at night.")
    make_comment(story, parent=parent, author_email="jo@example.com", status="pending", rule="links",
                 reason="Contains 2 links.", public_reason="A moderator reads it first.")  # fmt: skip
    make_comment(story, author_email="ann@example.com")
    moderator = make_moderator(django_user_model)
    ann = Commenter.objects.get(email="ann@example.com")
    set_standing(ann, "held", actor=moderator, reason="Check.", public_reason="A moderator reads yours first.")
    ModerationListEntry.objects.create(kind="keyword", action="block", value="casino", public_reason="No ads.")

    responses = {}
    reader = Client()
    held = post_form(reader, story, text="Held with a reason.")
    responses["story-held-reason"] = reader.get(held["Location"])
    responses["story-refused"] = post_form(Client(), story, text="casino night", author_email="new@example.org")
    StoryModeration.objects.create(story=story, premoderate=True)

    client.force_login(moderator)
    commenter = Commenter.objects.get(email="jo@example.com")
    for name, url in {
        "queue": "/admin/comments/comment/",
        "commenters": "/admin/comments/commenter/",
        "commenter": f"/admin/comments/commenter/{ann.pk}/change/",
        "commenter-without-standing": f"/admin/comments/commenter/{commenter.pk}/change/",
        "lists": "/admin/comments/moderationlistentry/",
        "list-entry": "/admin/comments/moderationlistentry/add/",
        "site-switch": "/admin/comments/sitemoderation/",
        "commenter-erase": f"/admin/comments/commenter/{ann.pk}/erase/",
    }.items():
        responses[name] = client.get(url, follow=True)
    erasing = {"action": "erase_commenters_data", "_selected_action": [parent.pk]}
    responses["queue-erase"] = client.post("/admin/comments/comment/", erasing)
    assert 'name="premoderate_all"' in responses["site-switch"].content.decode()
    assert "How to appeal this decision" in responses["story-refused"].content.decode()
    assert "A moderator reads it first." in responses["queue"].content.decode()
    files = []
    for name, response in responses.items():
        assert response.status_code == (403 if name == "story-refused" else 200), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    assert nu_errors(files) == {}
