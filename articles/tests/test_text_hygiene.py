"""Text hygiene where stories enter (admin, importer, any save) and leave as XML (feeds, sitemaps)."""

import datetime as dt
import xml.dom.minidom

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from articles.admin import CleanTextAdminMixin
from articles.forms import CleanTextFormMixin
from articles.importing import decode_story_page, parse_story_page, save_story
from articles.models import Hashtag, Outlet, SocialLink, Story
from articles.story_format import StoryFormatError

from .factories import make_hashtag, make_outlet, make_story
from .story_pages import PAGES

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def store_raw(model, pk, **fields):
    """Store text as it was stored before text hygiene: update() sends no pre_save."""
    model.objects.filter(pk=pk).update(**fields)


def url_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


# Where XML is written: whatever is stored, feeds and sitemaps answer.


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("name", ["articles:feed_rss", "articles:feed_atom"])
def test_story_feeds_answer_with_control_characters_stored_in_a_story(client, language, name):
    story = make_story(hashtags=["Ferry"])
    bad = "a\x0bb\x01c\x7f"
    store_raw(Story, story.pk, headline=bad, headline_ko=bad, intro=bad, body=bad, body_ko=bad, reporter=bad)
    store_raw(Hashtag, story.hashtags.get().pk, name="Fer\x1fry")
    response = client.get(url_in(language, name))
    assert response.status_code == 200
    document = xml.dom.minidom.parseString(response.content)
    assert "a\nbc" in document.documentElement.toxml()


@pytest.mark.parametrize("name", ["articles:hashtag_feed_rss", "articles:hashtag_feed_atom"])
def test_hashtag_feeds_answer_with_control_characters_stored_in_a_story(client, name):
    story = make_story(hashtags=["Ferry"])
    store_raw(Story, story.pk, headline="Night\x0cferries", intro="x\x80y")
    response = client.get(url_in("en", name, slug="ferry"))
    assert response.status_code == 200
    xml.dom.minidom.parseString(response.content)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_news_sitemap_is_well_formed_with_control_characters_in_a_headline(client, language):
    story = make_story(published_at=timezone.now() - dt.timedelta(hours=1), body_ko="한국어 본문입니다.")
    store_raw(Story, story.pk, headline="Night\x0bferries\x02", headline_ko="야간\x1b페리")
    response = client.get(reverse("crawlers:news_sitemap"))
    assert response.status_code == 200
    titles = [
        node.firstChild.data
        for node in xml.dom.minidom.parseString(response.content).getElementsByTagName("news:title")
    ]
    assert titles == ["Night\nferries", "야간페리"]


# Any save stores clean text.


def test_any_save_of_a_story_stores_clean_text():
    story = make_story(headline="Night\x0bferries\x00", body="one\x0ctwo\u0085three\ufffe", reporter=f"{RLO}Kim")
    story.refresh_from_db()
    assert (story.headline, story.body, story.reporter) == ("Night\nferries", "<p>one<br>two<br>three</p>", "Kim")


def test_any_save_of_a_story_cuts_zalgo_text_to_thirty_marks_on_a_letter():
    story = make_story(headline="Zalgo" + "\u0301" * 3000, body="Việt Nam, 도박, בְּרֵאשִׁ֖ית" + "\u0316" * 100)
    story.refresh_from_db()
    assert (story.headline, story.body) == (
        "Zalgo" + "\u0301" * 30,
        "<p>Việt Nam, 도박, בְּרֵאשִׁ֖ית" + "\u0316" * 30 + "</p>",
    )


def test_any_save_of_an_outlet_and_its_links_stores_clean_text():
    outlet = make_outlet(name="Harbour\x01 Wire")
    link = SocialLink.objects.create(outlet=outlet, label="Face\x9fbook", url="https://facebook.example/h")
    assert Outlet.objects.get(pk=outlet.pk).name == "Harbour Wire"
    assert SocialLink.objects.get(pk=link.pk).label == "Facebook"


# Every admin form of ours cleans text and counts invisible text as empty.


def test_every_admin_form_and_inline_of_articles_comments_and_photos_cleans_text(rf, django_user_model):
    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    checked = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("articles", "comments", "photos"):
            continue
        assert isinstance(model_admin, CleanTextAdminMixin), model
        assert issubclass(model_admin.get_form(request), CleanTextFormMixin), model
        for inline in model_admin.get_inline_instances(request):
            assert issubclass(inline.get_formset(request).form, CleanTextFormMixin), inline
        checked.append(model._meta.model_name)
    assert {"story", "outlet", "hashtag", "comment", "photo"} <= set(checked)


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    client.force_login(user)
    return client


def story_form(outlet, **fields):
    data = {
        "headline": "Harbour gets a new ferry",
        "headline_ko": "",
        "slug": "harbour-ferry",
        "intro": "",
        "body": "A ferry arrived.",
        "body_ko": "",
        "reporter": "Seo Yun",
        "outlet": outlet.pk,
        "source_url": "",
        "status": "draft",
        "hashtag_links-TOTAL_FORMS": "0",
        "hashtag_links-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad\u200d", "\u3164", "\ufeff \u2060", RLO, "\u2800"])
@pytest.mark.parametrize("field", ["headline", "body"])
def test_admin_story_with_an_invisible_only_required_field_is_refused_as_empty(editor_client, field, invisible):
    response = editor_client.post("/admin/articles/story/add/", story_form(make_outlet(), **{field: invisible}))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == ["This field is required."]
    assert not Story.objects.exists()


def test_admin_story_stores_optional_invisible_only_fields_as_empty_and_cleans_the_rest(editor_client):
    data = story_form(make_outlet(), headline="Harbour\x0bferry\x1f", headline_ko="\u200b", intro="one\x01two")
    response = editor_client.post("/admin/articles/story/add/", data)
    assert response.status_code == 302
    story = Story.objects.get()
    assert (story.headline, story.headline_ko, story.intro) == ("Harbour\nferry", "", "onetwo")


def test_admin_outlet_with_an_invisible_only_name_is_refused_as_empty(editor_client):
    data = {
        "name": "\u200b\u200c",
        "slug": "",
        "homepage": "",
        "time_zone": "Asia/Seoul",
        "social_links-TOTAL_FORMS": "1",
        "social_links-INITIAL_FORMS": "0",
        "social_links-0-label": "Face\x80book",
        "social_links-0-url": "https://facebook.example/o",
        "social_links-0-position": "0",
    }
    response = editor_client.post("/admin/articles/outlet/add/", data)
    assert response.context["adminform"].form.errors["name"] == ["This field is required."]
    data["name"] = "Harbour\x9f Wire"
    assert editor_client.post("/admin/articles/outlet/add/", data).status_code == 302
    outlet = Outlet.objects.get()
    assert outlet.name == "Harbour Wire"
    assert list(outlet.social_links.values_list("label", flat=True)) == ["Facebook"]


def test_admin_hashtag_with_an_invisible_only_name_is_refused_as_empty(editor_client):
    empty = editor_client.post("/admin/articles/hashtag/add/", {"name": ""}).context["adminform"].form.errors
    response = editor_client.post("/admin/articles/hashtag/add/", {"name": "\u115f"})
    assert response.context["adminform"].form.errors["name"] == empty["name"]
    assert "This field is required." in empty["name"]
    assert not Hashtag.objects.exists()


def test_admin_hashtag_name_with_a_zero_width_space_is_a_malformed_hashtag_not_a_new_tag(editor_client):
    make_hashtag("Ferry")
    response = editor_client.post("/admin/articles/hashtag/add/", {"name": "Fer\u200bry"})
    assert response.status_code == 200
    assert Hashtag.objects.count() == 1


# The importer: line breaks pasted as controls are spaces, other controls are refused with the line.


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x85"])
def test_importer_reads_pasted_line_break_controls_as_spaces(char):
    text = (PAGES / "valid_minimal.txt").read_text(encoding="utf-8")
    edited = text.replace("The change starts next month.", f"The change{char}starts next month.")
    assert edited != text
    parsed = parse_story_page(decode_story_page(edited.encode()))
    assert "The change starts next month." in parsed.intro


@pytest.mark.parametrize("char", ["\x01", "\x1f", "\x7f", "\x80", "\x9f", "\ufffe", "\uffff"])
def test_importer_refuses_other_control_characters_with_their_line(char):
    with pytest.raises(StoryFormatError, match="control characters") as caught:
        decode_story_page(f"Headline\n\nA {char} here\n".encode())
    assert caught.value.line == 3


def test_importer_stores_clean_text_even_from_text_it_did_not_decode():
    text = (PAGES / "valid_minimal.txt").read_text(encoding="utf-8")
    parsed = parse_story_page(text.replace("The change starts next month.", "The change\x01 starts next month."))
    story, _created = save_story(parsed)
    assert "The change starts next month." in Story.objects.get(pk=story.pk).intro


# The data migration cleans what is stored.


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_cleans_stored_story_outlet_and_link_text():
    old = migrate([("comments", "0005_moderation_log_protects"), ("articles", "0009_story_search")])
    Outlet = old.get_model("articles", "Outlet")
    Story = old.get_model("articles", "Story")
    SocialLink = old.get_model("articles", "SocialLink")
    # bulk_create sends no pre_save: rows as stored before text hygiene.
    (outlet,) = Outlet.objects.bulk_create([Outlet(name="Harbour\x01 Wire", slug="harbour-wire")])
    SocialLink.objects.bulk_create([SocialLink(outlet=outlet, label="X\x0b", url="https://x.example/h")])
    (clean_outlet,) = Outlet.objects.bulk_create([Outlet(name="Clean Daily", slug="clean-daily")])
    Story.objects.bulk_create(
        [
            Story(headline="Night\x0bferries", slug="night", body="a\x1fb", reporter=f"{RLO}Kim", outlet=outlet),
            Story(headline="Clean", slug="clean", body="Nothing to clean.", outlet=clean_outlet),
        ]
    )
    try:
        new = migrate([("articles", "0010_clean_stored_text")])
        story = new.get_model("articles", "Story").objects.get(slug="night")
        untouched = new.get_model("articles", "Story").objects.get(slug="clean")
        outlet = new.get_model("articles", "Outlet").objects.get(slug="harbour-wire")
        label = new.get_model("articles", "SocialLink").objects.get().label
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert (story.headline, story.body, story.reporter, story.page_version) == ("Night\nferries", "ab", "Kim", 1)
    assert (outlet.name, label) == ("Harbour Wire", "X\n")
    assert (untouched.body, untouched.page_version) == ("Nothing to clean.", 0)
