"""Photos placed in story bodies, in a real browser: a reporter uploads a photo and places it in the English
body of their draft with "Insert photo"; an editor places it in the Korean body with the keyboard alone and
publishes; readers see the figures in English and Korean on a phone and a wide screen, in light and dark,
under the site's Content-Security-Policy without a violation.

Screenshots: artifacts/body-photo-picker.png, body-photo-editor.png, body-photo-en-360-light.png,
body-photo-ko-1280-dark.png…
"""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Story, StoryBodyPhoto
from conftest import axe_violations
from photos.models import Photo

from .admin_browser import log_in, make_staff
from .factories import make_outlet, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PHOTO = Path(__file__).resolve().parents[2] / "demo" / "photos" / "line-9-map.jpg"
ALT = "A map of a gold metro line crossing a river, above a train whose two middle cars are green."
ALT_KO = "금색 지하철 노선이 강을 건너는 지도와, 가운데 두 칸이 초록색인 열차."
CAPTION = "Line 9 and its connections; the quiet cars are the two in the middle of each train."
CAPTION_KO = "9호선과 환승 노선. 조용한 칸은 각 열차 가운데의 두 칸이다."
CREDIT = "Newsroom demo illustration"
FIRST_KO = "월요일부터 모든 열차의 두 칸이 조용한 칸이 된다."
LIGHT_BACKGROUND = "rgb(255, 255, 255)"
DARK_BACKGROUND = "rgb(33, 37, 41)"
# Every refusal of the Content-Security-Policy, as the page's own event reports it (Playwright's init
# scripts run whatever the policy says, so the listener is there before the page's first script).
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def site(live_server, django_user_model):
    users = {}
    for username, group in [("reporter", "Reporters"), ("editor", "Editors")]:
        users[username] = make_staff(django_user_model, username, group)
    make_story(
        headline="Line 9 trains add quiet cars",
        headline_ko="9호선 열차에 조용한 칸 생긴다",
        slug="line-9-trains-add-quiet-cars",
        body="<p>Two cars of every train will be quiet from Monday.</p><p>Phones must be on silent there.</p>",
        body_ko=f"<p>{FIRST_KO}</p><p>그 칸에서는 휴대전화를 무음으로 해야 한다.</p>",
        status=Story.Status.DRAFT,
        published_at=None,
        outlet=make_outlet(name="Han River Herald"),
        created_by=users["reporter"],
    )
    return live_server


def staff_page(browser, site, username, problems):
    """A logged-in admin page at 1280 px whose script errors and policy refusals land in `problems`."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.add_init_script(CSP_LISTENER)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error" and "Content Security Policy" in message.text and problems.append(message.text)
        ),
    )
    log_in(page, site, username)
    return page


def policy_refusals(page):
    return page.evaluate("window.cspViolations || []")


def upload_photo(page, site):
    page.goto(site.url + reverse("admin:photos_photo_add"))
    page.set_input_files("#id_image", DEMO_PHOTO)
    page.fill("#id_alt_text", ALT)
    page.fill("#id_alt_text_ko", ALT_KO)
    page.fill("#id_caption", CAPTION)
    page.fill("#id_caption_ko", CAPTION_KO)
    page.fill("#id_credit", CREDIT)
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()


def put_cursor_after_first_paragraph(page, field):
    editable = page.locator(f".field-{field} .ProseMirror[contenteditable=true]")
    editable.locator("p").first.click()
    page.keyboard.press("End")
    return editable


def test_reporter_and_editor_place_a_photo_and_readers_see_it_in_both_languages(site, browser, artifacts_dir):
    problems = []
    reporter = staff_page(browser, site, "reporter", problems)
    upload_photo(reporter, site)
    photo = Photo.objects.get()
    story = Story.objects.get()

    # The reporter places it in the English body with the menu's button and the mouse.
    reporter.goto(site.url + reverse("admin:articles_story_change", args=[story.pk]))
    put_cursor_after_first_paragraph(reporter, "body")
    button = reporter.locator(".field-body .prose-menubar [data-name=insertPhoto]")
    assert button.get_attribute("aria-label") == "Insert photo"
    button.click()
    dialog = reporter.get_by_role("dialog", name="Insert a photo from the library")
    dialog.get_by_label("Search the photo library").fill("quiet cars")
    choice = dialog.get_by_role("button", name=CAPTION)
    choice.wait_for()
    reporter.wait_for_function(
        "img => img.complete && img.naturalWidth === 300", arg=choice.locator("img").element_handle()
    )
    assert dialog.get_by_role("status").inner_text() == "1 photo matches."
    reporter.screenshot(path=artifacts_dir / "body-photo-picker.png")
    choice.click()
    assert not dialog.is_visible()
    placed = reporter.locator(f'.field-body .ProseMirror[contenteditable] img[data-photo="{photo.pk}"]')
    reporter.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=placed.element_handle())
    assert placed.get_attribute("alt") == ALT
    reporter.locator(".field-body").scroll_into_view_if_needed()
    reporter.screenshot(path=artifacts_dir / "body-photo-editor.png")
    reporter.select_option("#id_status", "in_review")
    reporter.click("input[name=_save]")
    assert "was changed successfully" in reporter.locator(".messagelist").inner_text()
    assert policy_refusals(reporter) == []
    reporter.context.close()
    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW
    assert story.body == (
        "<p>Two cars of every train will be quiet from Monday.</p>"
        f'<img data-photo="{photo.pk}" src="{photo.w800.url}" alt="{ALT}">'
        "<p>Phones must be on silent there.</p>"
    )

    # The editor places it in the Korean body with the keyboard alone, then publishes.
    editor = staff_page(browser, site, "editor", problems)
    editor.goto(site.url + reverse("admin:articles_story_change", args=[story.pk]))
    put_cursor_after_first_paragraph(editor, "body_ko")
    editor.locator(".field-body_ko .prose-menubar [data-name=insertPhoto]").focus()
    editor.keyboard.press("Enter")
    search = editor.get_by_label("Search the photo library")
    assert search.evaluate("field => field === document.activeElement")
    editor.keyboard.type("조용한")
    editor.keyboard.press("Enter")  # searches at once; the story form is not sent
    editor.get_by_role("dialog").get_by_role("button", name=CAPTION_KO).wait_for()
    editor.keyboard.press("Tab")  # from the field to the first photo found
    assert editor.evaluate("document.activeElement.className") == "photo-picker-choice"
    editor.keyboard.press("Enter")
    editor.locator(f'.field-body_ko .ProseMirror[contenteditable] img[data-photo="{photo.pk}"]').wait_for()
    assert editor.evaluate("document.activeElement.classList.contains('ProseMirror')")
    editor.select_option("#id_status", "published")
    editor.click("input[name=_continue]")
    assert "was changed successfully" in editor.locator(".messagelist").inner_text()
    # The change form again: each photo shown in both editors, from the library's address.
    for field in ("body", "body_ko"):
        shown = editor.locator(f'.field-{field} .ProseMirror[contenteditable] img[data-photo="{photo.pk}"]')
        editor.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown.element_handle())
    assert policy_refusals(editor) == []
    editor.context.close()
    assert problems == []
    story.refresh_from_db()
    assert story.is_public
    assert story.body_ko.startswith(
        f'<p>{FIRST_KO}</p><img data-photo="{photo.pk}" src="{photo.w800.url}" alt="{ALT_KO}">'
    )
    assert list(StoryBodyPhoto.objects.values_list("story_id", "photo_id")) == [(story.pk, photo.pk)]

    # Readers: English pages show the figure in the body and, in Korean, in "The story in Korean".
    expected = {"en": [(ALT, CAPTION), (ALT_KO, CAPTION_KO)], "ko": [(ALT_KO, CAPTION_KO)]}
    for language, figures in expected.items():
        with translation.override(language):
            url = site.url + story.get_absolute_url()
        for width in (360, 1280):
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            page.add_init_script(CSP_LISTENER)
            page.goto(url)
            shown = page.locator("figure.story-body-photo")
            assert shown.count() == len(figures)
            for index, (alt, caption) in enumerate(figures):
                figure = shown.nth(index)
                image = figure.locator("img.photo-image")
                image.scroll_into_view_if_needed()
                page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
                assert image.get_attribute("alt") == alt
                assert image.get_attribute("loading") == "lazy"
                assert figure.locator(".photo-caption-text").inner_text() == caption
                assert CREDIT in figure.locator(".photo-credit").inner_text()
                box = image.bounding_box()
                assert 0 < box["width"] <= width
                # A block between the paragraphs: the figure's parent is the body, not a paragraph.
                assert figure.evaluate("node => node.parentElement.matches('.story-body')")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shown.first.scroll_into_view_if_needed()
            found = {}
            for scheme, background in [("light", LIGHT_BACKGROUND), ("dark", DARK_BACKGROUND)]:
                page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
                page.wait_for_function(f"getComputedStyle(document.body).backgroundColor === '{background}'")
                shown.first.evaluate("node => node.scrollIntoView({block: 'center'})")
                page.screenshot(path=artifacts_dir / f"body-photo-{language}-{width}-{scheme}.png")
                if language == "en":  # and the one in "The story in Korean"
                    shown.last.evaluate("node => node.scrollIntoView({block: 'center'})")
                    page.screenshot(path=artifacts_dir / f"body-photo-en-{width}-{scheme}-korean-body.png")
                found[scheme] = axe_violations(page)
            assert found == {"light": [], "dark": []}
            assert policy_refusals(page) == []
            context.close()
