"""An editor pins a lead in admin and readers see it lead the front page, in both languages, phone and desktop.

Screenshots go to artifacts/ (front-page-en-360.png, front-page-ko-1280.png, …).
"""

import pytest
from django.urls import reverse
from django.utils import translation

from newsroom.tests.site_pages import import_demo_site

from .admin_browser import log_in, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TALLINN_HEADLINE = "Tallinn Harbour Hosts Korean Port Cities Culture Week"
TALLINN_HEADLINE_KO = "탈린 항구에서 한국 항구 도시 문화 주간 개최"
NEWEST_HEADLINE = "Line 9 Trains to Add Quiet Cars and Step-Free Boarding Upgrades"


@pytest.fixture
def site(live_server, django_user_model):
    import_demo_site()
    # An editor as the migrations make one (restored after flushes by the root conftest): pinning
    # looks stories up through the story admin, which shows a user without `publish_story` their own only.
    make_staff(django_user_model, "editor", "Editors")
    return live_server


def home(site, language):
    with translation.override(language):
        return site.url + reverse("articles:home")


def test_editor_pins_a_lead_and_readers_see_it_lead(site, page, artifacts_dir):
    page.goto(home(site, "en"))
    assert page.locator(".story-card h2").first.inner_text() == NEWEST_HEADLINE

    log_in(page, site)
    page.goto(site.url + reverse("admin:articles_frontpagepin_add"))
    page.locator(".field-story .select2-selection").click()
    page.locator(".select2-search__field").fill("Tallinn")
    page.locator(".select2-results__option", has_text=TALLINN_HEADLINE).click()
    page.select_option("#id_slot", "lead")
    page.click("input[name=_save]")
    page.wait_for_url(site.url + reverse("admin:articles_frontpagepin_changelist"))
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    for language, headline in [("en", TALLINN_HEADLINE), ("ko", TALLINN_HEADLINE_KO)]:
        for width in (360, 1280):
            reader = page.context.browser.new_context(viewport={"width": width, "height": 900})
            tab = reader.new_page()
            tab.goto(home(site, language))
            cards = tab.locator(".story-list-lead > .story-card")
            assert cards.first.locator("h2").inner_text() == headline
            assert cards.locator("h2", has_text=headline).count() == 1  # not repeated below
            lead_size = cards.first.locator("h2").evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
            other_size = cards.nth(1).locator("h2").evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
            assert lead_size > other_size or width < 768  # one column on phones: every card alike
            tab.screenshot(path=artifacts_dir / f"front-page-{language}-{width}.png", full_page=True)
            reader.close()
