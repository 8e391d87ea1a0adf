"""Photos in a real browser: a reporter uploads one to the library, an editor makes it a story's lead photo
and publishes, readers see it in English and Korean on a phone and a wide screen, in light and dark.

Screenshots: artifacts/photo-upload.png, photo-story-admin.png, photo-en-360-light.png, photo-ko-1280-dark.png…
"""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Story
from conftest import axe_violations
from photos.models import Photo

from .admin_browser import log_in, make_staff
from .factories import make_outlet, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PHOTO = Path(__file__).resolve().parents[2] / "demo" / "photos" / "tallinn-harbour.jpg"
ALT = "Two ferries at a quay under a pale blue sky"
ALT_KO = "옅은 파란 하늘 아래 부두에 정박한 여객선 두 척"
CAPTION = "The night ferry to Yeosu at its quay."
CAPTION_KO = "부두에 정박한 여수행 야간 여객선."
CREDIT = "Seo Yun / Harbour Times"
LIGHT_BACKGROUND = "rgb(255, 255, 255)"
DARK_BACKGROUND = "rgb(33, 37, 41)"
# The story column is 42rem wide from 43.5rem up, else the screen less 1.5rem: at 360 px, 336 px need the
# 480 px rendition; at 1280 px, 672 px need the 800 px one (one device pixel per CSS pixel).
EXPECTED_WIDTH = {360: 480, 1280: 800}


@pytest.fixture
def site(live_server, django_user_model):
    for username, group in [("reporter", "Reporters"), ("editor", "Editors")]:
        make_staff(django_user_model, username, group)
    make_story(
        headline="Night ferry to Yeosu returns for the summer",
        headline_ko="여수행 야간 여객선, 여름 맞아 운항 재개",
        slug="night-ferry-to-yeosu-returns",
        status=Story.Status.IN_REVIEW,
        published_at=None,
        outlet=make_outlet(name="Harbour Times"),
    )
    return live_server


def logged_in_page(browser, site, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, site, username)
    return page


def upload_photo(page, site, path, artifacts_dir):
    page.goto(site.url + reverse("admin:photos_photo_add"))
    with page.expect_file_chooser() as chooser:
        page.locator("#id_image").click()
    chooser.value.set_files(path)
    page.fill("#id_alt_text", ALT)
    page.fill("#id_alt_text_ko", ALT_KO)
    page.fill("#id_caption", CAPTION)
    page.fill("#id_caption_ko", CAPTION_KO)
    page.fill("#id_credit", CREDIT)
    page.screenshot(path=artifacts_dir / "photo-upload.png", full_page=True)
    page.click("input[name=_continue]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()


def choose_lead_photo(page, word):
    """Pick the lead photo in the story form's autocomplete (select2) by a word of its caption."""
    page.locator(".field-lead_photo .select2-selection").click()
    page.locator(".select2-search__field").fill(word)
    option = page.locator(".select2-results__option", has_text=word)
    option.wait_for()
    option.click()


def reader_checks(page, language):
    """The lead photo as the reader's browser shows it: {alt, caption, chosen width, shown width, …}."""
    image = page.locator("figure.story-lead-photo img.photo-image")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    return image.evaluate(
        """async img => {
            const box = img.getBoundingClientRect();
            // img.naturalWidth is corrected by the srcset's density; a plain image of currentSrc is the file's.
            const file = new Image();
            file.src = img.currentSrc;
            await file.decode();
            const chosen = img.srcset.split(", ").map(c => c.split(" ")).find(([url]) => img.currentSrc.endsWith(url));
            return {
                alt: img.alt,
                lang: img.getAttribute("lang"),
                loading: img.getAttribute("loading"),
                caption: img.closest("figure").querySelector(".photo-caption-text").textContent,
                credit: img.closest("figure").querySelector(".photo-credit").textContent,
                chosen: parseInt(chosen[1]),
                file: file.naturalWidth,
                shown: box.width,
                ratio: box.height / box.width,
                attributeRatio: img.height / img.width,
                dpr: window.devicePixelRatio,
            };
        }"""
    )


def test_reporter_uploads_editor_places_and_publishes_readers_see_it(site, browser, artifacts_dir, tmp_path):
    # A photo as a camera names it (one of the demo's drawings, 2000 × 1125).
    path = tmp_path / "IMG_0042.jpg"
    path.write_bytes(DEMO_PHOTO.read_bytes())

    reporter = logged_in_page(browser, site, "reporter")
    upload_photo(reporter, site, path, artifacts_dir)
    photo = Photo.objects.get()
    assert (photo.width, photo.height, photo.uploaded_by.username) == (2000, 1125, "reporter")
    assert "IMG_0042" not in photo.image.name
    reporter.context.close()

    editor = logged_in_page(browser, site, "editor")
    story = Story.objects.get()
    editor.goto(site.url + reverse("admin:articles_story_change", args=[story.pk]))
    choose_lead_photo(editor, "Yeosu")
    editor.select_option("#id_status", "published")
    editor.screenshot(path=artifacts_dir / "photo-story-admin.png", full_page=True)
    editor.click("input[name=_continue]")
    assert "was changed successfully" in editor.locator(".messagelist").inner_text()
    story.refresh_from_db()
    assert story.lead_photo == photo and story.is_public
    editor.context.close()

    for language, alt, caption in [("en", ALT, CAPTION), ("ko", ALT_KO, CAPTION_KO)]:
        with translation.override(language):
            url = site.url + story.get_absolute_url()
            home = site.url + reverse("articles:home")
        for width in (360, 1280):
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            page.goto(url)
            seen = reader_checks(page, language)
            assert (seen["alt"], seen["lang"], seen["caption"]) == (alt, None, caption)
            assert CREDIT in seen["credit"]
            assert seen["loading"] is None  # the lead photo is above the fold: loaded at once
            # The browser took the narrowest rendition that covers the column, and it fits the screen.
            assert seen["chosen"] == EXPECTED_WIDTH[width] * seen["dpr"] == seen["file"]
            assert seen["chosen"] >= seen["shown"] * seen["dpr"]
            assert seen["shown"] <= width
            assert abs(seen["ratio"] - seen["attributeRatio"]) < 0.01
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            found = {}
            for scheme, background in [("light", LIGHT_BACKGROUND), ("dark", DARK_BACKGROUND)]:
                page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
                page.wait_for_function(f"getComputedStyle(document.body).backgroundColor === '{background}'")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=artifacts_dir / f"photo-{language}-{width}-{scheme}.png")
                found[scheme] = axe_violations(page)
            assert found == {"light": [], "dark": []}

            page.goto(home)
            card = page.locator("img.card-photo").first
            page.wait_for_function("img => img.complete && img.naturalWidth === 300", arg=card.element_handle())
            assert card.get_attribute("alt") == alt
            page.screenshot(path=artifacts_dir / f"photo-home-{language}-{width}.png")
            context.close()
