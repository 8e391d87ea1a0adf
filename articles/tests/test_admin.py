import datetime as dt
import html
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Story

from .factories import make_hashtag, make_outlet, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.com", "x")
    client.force_login(user)
    return client


def staff_with(django_user_model, *codenames):
    user = django_user_model.objects.create_user("staffer", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_logged_in_reader_who_is_not_staff_cannot_reach_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    response = client.get("/admin/articles/story/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_story_list_shows_columns_and_searches_korean_headlines(admin_client_):
    make_story(headline="Rail strike ends", headline_ko="철도 파업 종료", outlet=make_outlet(name="Rail Times"))
    make_story(headline="Weather turns cold", headline_ko="날씨 추워져")
    response = admin_client_.get("/admin/articles/story/", {"q": "파업"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rail strike ends" in html
    assert "Rail Times" in html
    assert "Weather turns cold" not in html


def story_changelist(client, **query):
    response = client.get("/admin/articles/story/", query)
    assert response.status_code == 200
    return response.context["cl"]


def test_story_list_has_headline_state_publication_and_outlet_columns(admin_client_):
    make_story()
    columns = story_changelist(admin_client_).list_display
    # "state" is the status, with "Scheduled" for a story published for a time to come (README "Roles").
    assert [name for name in columns if name in {"headline", "state", "published_at", "outlet"}] == [
        "headline",
        "state",
        "published_at",
        "outlet",
    ]


def test_story_list_offers_filters_by_workflow_status_section_outlet_and_hashtags(admin_client_):
    make_story(hashtags=["Filtered"])
    make_story(hashtags=["Filtered"])
    titles = [str(spec.title) for spec in story_changelist(admin_client_).filter_specs]
    assert titles == ["workflow", "status", "section", "outlet", "hashtags"]


def test_story_list_drills_down_by_publication_date(admin_client_):
    make_story()
    assert story_changelist(admin_client_).date_hierarchy == "published_at"


@pytest.mark.parametrize("query", ["strike", "파업"], ids=["english-headline", "korean-headline"])
def test_story_search_finds_a_story_by_either_headline(admin_client_, query):
    make_story(headline="Rail strike ends", headline_ko="철도 파업 종료")
    make_story(headline="Weather turns cold", headline_ko="날씨 추워져")
    found = story_changelist(admin_client_, q=query).result_list
    assert [story.headline for story in found] == ["Rail strike ends"]


def test_story_add_page_fills_the_slug_from_the_headline(admin_client_):
    page = admin_client_.get("/admin/articles/story/add/").content.decode()
    # The change form's scripts carry the CSP nonce its body editor needs (StoryAdmin.render_change_form).
    assert re.search(r'<script src="/static/admin/js/prepopulate.js"( nonce="[^"]+")?></script>', page)
    wiring = re.search(r'id="django-admin-prepopulated-fields-constants"[^>]*data-prepopulated-fields="([^"]*)"', page)
    assert wiring, "no prepopulated-fields script on the add page"
    fields = json.loads(html.unescape(wiring[1]))
    assert [(field["id"], field["dependency_ids"]) for field in fields] == [("#id_slug", ["#id_headline"])]


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "draft"},
        {"outlet__id__exact": "1"},
        {"hashtags__id__exact": "1"},
        {"published_at__year": "2026"},
    ],
)
def test_story_list_filters_load(admin_client_, query):
    make_story(hashtags=["Filtered"])
    assert admin_client_.get("/admin/articles/story/", query).status_code == 200


def test_story_list_query_count_is_constant(admin_client_, django_assert_max_num_queries):
    outlet = make_outlet()
    for _ in range(30):
        make_story(outlet=outlet, hashtags=["Listed"])
    with django_assert_max_num_queries(15):
        assert admin_client_.get("/admin/articles/story/").status_code == 200


def test_editor_adds_a_story_with_hashtags_through_the_form(admin_client_):
    outlet = make_outlet()
    tag = make_hashtag("Harbour")
    data = {
        "headline": "Harbour gets a new ferry",
        "headline_ko": "항구에 새 여객선",
        "slug": "harbour-gets-a-new-ferry",
        "intro": "",
        "body": "A ferry arrived.",
        "body_ko": "",
        "reporter": "Seo Yun",
        "outlet": outlet.pk,
        "source_url": "https://harbour.example/ferry",
        "status": "published",
        "published_at_0": "2026-11-20",
        "published_at_1": "09:30:00",
        "hashtag_links-TOTAL_FORMS": "1",
        "hashtag_links-INITIAL_FORMS": "0",
        "hashtag_links-MIN_NUM_FORMS": "0",
        "hashtag_links-MAX_NUM_FORMS": "1000",
        "hashtag_links-0-hashtag": tag.pk,
        "hashtag_links-0-position": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    response = admin_client_.post("/admin/articles/story/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get(slug="harbour-gets-a-new-ferry")
    assert list(story.hashtags.all()) == [tag]
    assert story.published_at == dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def test_story_form_refuses_a_javascript_source(admin_client_):
    response = admin_client_.post(
        "/admin/articles/story/add/",
        {
            "headline": "x",
            "slug": "x",
            "body": "b",
            "outlet": make_outlet().pk,
            "status": "draft",
            "source_url": "javascript:alert(1)",
            "hashtag_links-TOTAL_FORMS": "0",
            "hashtag_links-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Story.objects.exists()


def test_hashtag_autocomplete_finds_tags(admin_client_):
    make_hashtag("Ukraine")
    make_hashtag("우크라이나")
    make_hashtag("Weather")
    response = admin_client_.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "storyhashtag", "field_name": "hashtag", "term": "우크"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["#우크라이나"]


def test_hashtag_list_shows_story_counts(admin_client_):
    tag = make_hashtag("Counted")
    make_story(hashtags=[tag])
    make_story(hashtags=[tag])
    response = admin_client_.get("/admin/articles/hashtag/")
    assert response.context["cl"].result_list.get(pk=tag.pk).story_count == 2


def test_hashtag_list_has_a_stories_column(admin_client_):
    tag = make_hashtag("Counted")
    make_story(hashtags=[tag])
    make_story(hashtags=[tag])
    page = admin_client_.get("/admin/articles/hashtag/").content.decode()
    assert re.search(r'<th scope="col" class="sortable column-story_count">.*?>Stories</a>', page, re.DOTALL)
    assert '<td class="field-story_count">2</td>' in page


def test_outlet_page_edits_social_links_inline(admin_client_):
    outlet = make_outlet(name="Inline Daily")
    html = admin_client_.get(reverse("admin:articles_outlet_change", args=[outlet.pk])).content.decode()
    assert "social_links-TOTAL_FORMS" in html


def test_publish_action_publishes_and_dates_undated_drafts(admin_client_):
    draft = make_story(status=Story.Status.DRAFT, published_at=None)
    response = admin_client_.post(
        "/admin/articles/story/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == Story.Status.PUBLISHED
    assert draft.published_at is not None
    assert "1 story published." in response.content.decode()


def test_publish_and_unpublish_actions_move_the_stories_update_time(admin_client_):
    long_ago = timezone.now() - dt.timedelta(days=3)
    draft = make_story(status=Story.Status.DRAFT, published_at=None)
    Story.objects.filter(pk=draft.pk).update(updated_at=long_ago)
    for action in ("publish", "unpublish"):
        admin_client_.post("/admin/articles/story/", {"action": action, "_selected_action": [draft.pk]})
        draft.refresh_from_db()
        # An editor who opened the story before the action is warned of the change when saving.
        assert draft.updated_at > long_ago
        Story.objects.filter(pk=draft.pk).update(updated_at=long_ago)


def test_publish_action_needs_the_change_permission(client, django_user_model):
    client.force_login(staff_with(django_user_model, "view_story"))
    draft = make_story(status=Story.Status.DRAFT)
    response = client.post("/admin/articles/story/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Story.Status.DRAFT
    assert response.status_code in (200, 302)
