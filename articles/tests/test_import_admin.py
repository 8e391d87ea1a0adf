"""The WordPress and Disqus import records in admin: read only, for editors, searchable by id and link."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import ImportedPost, ImportedSite, OldAddress
from comments.models import ImportedComment, ImportedDisqusComment
from comments.tests.disqus_imports import HARBOUR_DISQUS, import_disqus

from .admin_browser import make_staff
from .wordpress_imports import HARBOUR, import_wordpress

pytestmark = pytest.mark.django_db

RECORDS = [ImportedSite, ImportedPost, OldAddress, ImportedComment, ImportedDisqusComment]


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def imported():
    _, stderr, error = import_wordpress(HARBOUR, zone="Asia/Seoul")
    assert error is None, stderr
    _, stderr, error = import_disqus(HARBOUR_DISQUS)
    assert error is None, stderr


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(make_staff(django_user_model, "editor", "Editors"))
    return client


def listed(client, model, **query):
    response = client.get(admin_url(model), query)
    assert response.status_code == 200
    return response.context["cl"].result_list


def test_editors_may_view_the_records_and_nothing_else():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    for model in RECORDS:
        name = model._meta.model_name
        assert f"view_{name}" in codenames
        assert not {f"add_{name}", f"change_{name}", f"delete_{name}"} & codenames


def test_moderators_do_not_see_them(client, django_user_model, imported):
    client.force_login(make_staff(django_user_model, "moderator", "Moderators"))
    assert client.get(admin_url(ImportedPost)).status_code == 403


@pytest.mark.parametrize("model", RECORDS, ids=lambda model: model.__name__)
def test_each_record_list_and_page_opens_read_only_for_an_editor(editor, imported, model):
    response = editor.get(admin_url(model))
    assert response.status_code == 200
    html = response.content.decode()
    assert admin_url(model, "add") not in html
    assert 'name="action"' not in html  # no delete action
    record = model.objects.first()
    page = editor.get(admin_url(model, "change", record.pk))
    assert page.status_code == 200
    assert 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
    assert editor.post(admin_url(model, "change", record.pk), {}).status_code == 403
    assert editor.get(admin_url(model, "delete", record.pk)).status_code == 403


def test_a_post_record_links_to_its_story_and_lists_its_old_addresses(editor, imported):
    post = ImportedPost.objects.get(wordpress_id=10)
    html = editor.get(admin_url(ImportedPost, "change", post.pk)).content.decode()
    assert f'href="{admin_url(post.story, "change", post.story.pk)}"' in html
    assert 'href="/en/stories/harbour-culture-week/"' in html
    assert "<code>/2024/05/06/harbour-culture-week/</code> (page)" in html
    assert "<code>/?p=10&amp;feed</code> (comment feed)" in html


@pytest.mark.parametrize(
    "term",
    [
        "10",
        "https://harbour.example/2024/05/06/harbour-culture-week/",
        "http://www.harbour.example/?p=10&utm_source=x",
        "harbour-culture-week",
        "https://news.example/en/stories/harbour-culture-week/",
    ],
)
def test_posts_are_found_by_wordpress_id_or_by_link(editor, imported, term):
    assert [post.wordpress_id for post in listed(editor, ImportedPost, q=term)] == [10]


def test_wordpress_comments_are_found_by_id_or_by_their_storys_link(editor, imported):
    assert [record.wordpress_id for record in listed(editor, ImportedComment, q="102")] == [102]
    found = listed(editor, ImportedComment, q="https://harbour.example/?p=10")
    assert sorted(record.wordpress_id for record in found) == [101, 102, 103, 104, 105]


def test_disqus_comments_are_found_by_id_thread_or_link(editor, imported):
    assert [record.disqus_id for record in listed(editor, ImportedDisqusComment, q="9002")] == [9002]
    assert sorted(record.disqus_id for record in listed(editor, ImportedDisqusComment, q="5003")) == [9008, 9009]
    by_link = listed(editor, ImportedDisqusComment, q="news.example/en/stories/ferry-timetable")
    assert sorted(record.disqus_id for record in by_link) == [9008, 9009, 9013]


def test_a_disqus_record_links_to_its_comment_and_story(editor, imported):
    record = ImportedDisqusComment.objects.get(disqus_id=9001)
    html = editor.get(admin_url(ImportedDisqusComment, "change", record.pk)).content.decode()
    assert f'href="{admin_url(record.comment, "change", record.comment.pk)}"' in html
    assert f'href="{admin_url(record.comment.story, "change", record.comment.story.pk)}"' in html


def test_an_old_address_is_found_by_its_path_as_browsers_send_it_and_says_where_it_leads(editor, imported):
    percent = "%EB%B6%80%EC%82%B0%ED%95%AD"
    found = listed(editor, OldAddress, q=percent)
    assert {address.path for address in found} >= {"/2024/05/06/부산항-문화-주간-개막/", "/부산항-문화-주간-개막/"}
    address = OldAddress.objects.get(path="/?p=12")
    html = editor.get(admin_url(OldAddress, "change", address.pk)).content.decode()
    assert "nowhere yet: the story is not public" in html


@pytest.mark.parametrize("model", [ImportedPost, OldAddress, ImportedComment, ImportedDisqusComment])
def test_a_record_list_costs_the_same_few_queries_whatever_its_length(
    editor, imported, model, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        editor.get(admin_url(model))


def test_an_imported_story_can_be_deleted_with_its_old_addresses_by_whoever_may_delete_stories(
    client, django_user_model, imported
):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.org", "x" * 16))
    post = next(post for post in ImportedPost.objects.select_related("story") if not post.story.comments.exists())
    story = post.story
    assert OldAddress.objects.filter(story=story).exists()
    page = client.get(admin_url(story, "delete", story.pk))
    assert page.status_code == 200
    assert not page.context["perms_lacking"]
    assert client.post(admin_url(story, "delete", story.pk), {"post": "yes"}).status_code == 302
    assert not OldAddress.objects.filter(story_id=story.pk).exists()
    post.refresh_from_db()
    assert post.story is None  # the record stays: a re-run does not bring the story back


def test_the_records_themselves_still_cannot_be_deleted(client, django_user_model, imported):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.org", "x" * 16))
    address = OldAddress.objects.first()
    assert client.post(admin_url(OldAddress, "delete", address.pk), {"post": "yes"}).status_code == 403
    response = client.post(admin_url(OldAddress), {"action": "delete_selected", "_selected_action": [address.pk]})
    assert OldAddress.objects.filter(pk=address.pk).exists()
    assert response.status_code in (200, 302)


def test_a_number_searches_the_ids_only(editor, imported):
    record = ImportedComment.objects.order_by("wordpress_id").first()
    found = listed(editor, ImportedComment, q=str(record.wordpress_id))
    assert [row.wordpress_id for row in found] == [record.wordpress_id]
