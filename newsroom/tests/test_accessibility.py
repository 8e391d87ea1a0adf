"""WCAG 2.2 AA in a real browser: axe-core on every reader page, both languages, light and dark; the keyboard."""

import pytest

from conftest import axe_violations

from .site_pages import KOREAN_BODY_SLUG, LANGUAGES, MISTYPED_COMMENT, import_demo_site, reader_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIGHT_BACKGROUND = "rgb(255, 255, 255)"
DARK_BACKGROUND = "rgb(33, 37, 41)"


@pytest.fixture
def demo_site(live_server):
    import_demo_site()
    return live_server


def send_mistyped_comment(page, story_url):
    """Open the story and send the comment form with an e-mail address that is not one."""
    page.goto(story_url)
    for name, value in MISTYPED_COMMENT.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#comment-form [type=submit]").click()
    page.locator("#comment-errors").wait_for()


def violations_in_both_schemes(page, name, found):
    """Axe on the loaded page in light colours, then again in dark ones (no reload: same page, other palette)."""
    for scheme, background in [("light", LIGHT_BACKGROUND), ("dark", DARK_BACKGROUND)]:
        # Reduced motion turns Bootstrap's colour transitions off: axe must not see a link half-way.
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.wait_for_function(f"getComputedStyle(document.body).backgroundColor === '{background}'")
        found[f"{name} ({scheme})"] = axe_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reader_pages_have_no_axe_violations_in_light_or_dark_colours(demo_site, page, language):
    found = {}
    pages = reader_pages(language)
    for name, path in pages.items():
        page.goto(demo_site.url + path)
        violations_in_both_schemes(page, name, found)
    send_mistyped_comment(page, demo_site.url + pages["story"])
    violations_in_both_schemes(page, "story-form-errors", found)
    assert {name: violations for name, violations in found.items() if violations} == {}
    assert len(found) == 2 * (len(pages) + 1)  # every page and the form with errors, light and dark


def test_dark_mode_follows_the_reader_s_system_setting(demo_site, browser):
    backgrounds = {}
    for scheme in ["light", "dark"]:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(demo_site.url + reader_pages("en")["story"])
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert backgrounds == {"light": LIGHT_BACKGROUND, "dark": DARK_BACKGROUND}


def focus_ring(page):
    """The focused element's outline: (style, width in px)."""
    return page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_keyboard_user_skips_to_the_content_and_sees_where_the_focus_is(demo_site, page, language):
    page.goto(demo_site.url + reader_pages(language)["story"])
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#content"
    assert skip.is_visible()
    assert focus_ring(page) == ["solid", 3]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert focus_ring(page) == ["solid", 3]


@pytest.mark.parametrize("language", LANGUAGES)
def test_comment_form_errors_are_announced_and_focused(demo_site, page, language):
    send_mistyped_comment(page, demo_site.url + reader_pages(language)["story"])
    summary = page.locator("#comment-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "comment-errors"
    assert summary.is_visible()
    assert focus_ring(page)[1] >= 2
    email = page.locator("#id_author_email")
    assert email.get_attribute("aria-invalid") == "true"
    summary.locator("a[href='#id_author_email']").press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_author_email"
    assert KOREAN_BODY_SLUG in page.url
