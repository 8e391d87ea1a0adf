"""An editor checks a WordPress import in admin, in a real browser: finds the post an old link
names, opens its record (its story and old addresses), then the story. Screenshot:
artifacts/import-admin-post.png."""

import pytest
from django.urls import reverse

from articles.models import ImportedPost

from .admin_browser import log_in, make_staff
from .wordpress_imports import HARBOUR, import_wordpress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, django_user_model):
    _, stderr, error = import_wordpress(HARBOUR, zone="Asia/Seoul")
    assert error is None, stderr
    make_staff(django_user_model, "editor", "Editors")
    return live_server


def test_an_editor_finds_the_story_an_old_link_names(site, page, artifacts_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, site)
    page.get_by_role("link", name="Imported WordPress posts").click()
    page.fill("#searchbar", "https://harbour.example/2024/05/06/harbour-culture-week/?utm_source=mail")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    rows.first.locator("th a").click()
    post = ImportedPost.objects.get(wordpress_id=10)
    assert reverse("admin:articles_importedpost_change", args=[post.pk]) + "?" in page.url
    assert "/2024/05/06/harbour-culture-week/" in page.locator(".field-addresses").inner_text()
    assert page.get_by_role("button", name="Save").count() == 0
    page.screenshot(path=artifacts_dir / "import-admin-post.png", full_page=True)
    page.locator(".field-story_admin_link a").click()
    assert page.url.endswith(reverse("admin:articles_story_change", args=[post.story_id]))
    assert page.locator("#id_headline").input_value() == "Harbour hosts the port cities’ culture week"
