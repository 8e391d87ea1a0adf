"""The story body format (articles/rich_text.py): what cleaning keeps and drops, the plain text, the conversions."""

import re

import pytest
from django_prose_editor.config import allowlist_from_extensions
from hypothesis import HealthCheck, given, settings, strategies

from articles.forms import BODY_EDITOR_EXTENSIONS
from articles.rich_text import (
    ALLOWED_TAGS,
    MAX_NESTABLE_TAGS,
    body_problems,
    body_text,
    clean_body_html,
    demote_headings,
    html_to_paragraphs,
    is_library_image,
    paragraphs_to_html,
    photo_ids,
    photo_reference,
    place_photos,
    shows_something,
    split_paragraphs,
)
from articles.text import clean_stored_text


@pytest.fixture(autouse=True)
def site_and_media(settings):
    settings.SITE_URL = "https://news.example"
    settings.MEDIA_URL = "/media/"


class TestHostileMarkup:
    def test_a_script_goes_with_its_content(self):
        assert clean_body_html("<p>Before<script>alert(1)</script> after</p>") == "<p>Before after</p>"

    def test_style_elements_and_comments_go(self):
        assert clean_body_html("<p>A<style>p{}</style><!-- note -->B</p>") == "<p>AB</p>"

    @pytest.mark.parametrize(
        "href",
        [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java&#x09;script:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
        ],
    )
    def test_a_link_to_anything_but_http_https_mailto_keeps_its_text_and_loses_the_link(self, href):
        assert clean_body_html(f'<p>Read <a href="{href}">this</a>.</p>') == "<p>Read this.</p>"

    def test_event_handlers_styles_classes_and_ids_go(self):
        cleaned = clean_body_html(
            '<p onclick="x()" style="color:red" class="lead" id="top">Hi <strong onmouseover="y()">there</strong></p>'
        )
        assert cleaned == "<p>Hi <strong>there</strong></p>"

    def test_unclosed_tags_are_closed_and_misnested_ones_put_in_order(self):
        assert clean_body_html("<p>One <strong>two <em>three") == "<p>One <strong>two <em>three</em></strong></p>"
        assert clean_body_html("<p><strong>a<em>b</strong>c</em></p>") == (
            "<p><strong>a<em>b</em></strong><em>c</em></p>"
        )

    def test_other_elements_keep_their_text_and_their_paragraph_breaks(self):
        assert clean_body_html("<h1>Title</h1><div>One</div><div>Two</div><h5>Small</h5><b>B</b><i>I</i>") == (
            "<h2>Title</h2><p>One</p><p>Two</p><h3>Small</h3><p><strong>B</strong><em>I</em></p>"
        )

    def test_tables_and_frames_leave_their_text(self):
        assert clean_body_html("<table><tr><td>a</td><td>b</td></tr></table><iframe src=x></iframe>") == (
            "<p>a</p><p>b</p>"
        )

    def test_what_holds_no_story_text_goes_with_its_content(self):
        pasted = "<p>a</p><noscript><p>n</p></noscript><template><p>t</p></template><p>b<textarea>x</textarea></p>"
        assert clean_body_html(pasted) == "<p>a</p><p>b</p>"

    def test_svg_and_math_go_with_their_content(self):
        assert clean_body_html("<p>ok</p><svg><a href='https://e.example'>s</a></svg><math><mi>x</mi></math>") == (
            "<p>ok</p>"
        )

    def test_loose_text_and_list_items_get_their_paragraph_and_list(self):
        assert clean_body_html("<p>a</p>loose <em>text</em><li>item</li>") == (
            "<p>a</p><p>loose <em>text</em></p><ul><li><p>item</p></li></ul>"
        )

    def test_empty_paragraphs_headings_and_lists_go_and_an_empty_editor_is_empty(self):
        assert clean_body_html("<p></p>") == ""
        assert clean_body_html("<p> </p><h2></h2><ul><li></li></ul><p><br></p><p>\u200b</p>") == ""
        assert clean_body_html("<p>Text</p><p></p>") == "<p>Text</p>"

    def test_cleaning_a_cleaned_body_changes_nothing(self):
        body = clean_body_html('<h2>Sub</h2><p>A <a href="https://e.example/">link</a><br>line</p><ol><li>x</li></ol>')
        assert clean_body_html(body) == body

    def test_too_much_markup_is_shown_as_plain_text_and_refused_by_the_form(self):
        deep = "<ul><li>" * (MAX_NESTABLE_TAGS + 1) + "deep"
        assert clean_body_html(deep) == "<p>deep</p>"
        assert body_problems(deep) == ["This text has too much markup (more than 10000 elements)."]

    def test_many_paragraphs_and_line_breaks_are_not_too_much_markup(self):
        text = "\n".join(f"line {number}" for number in range(MAX_NESTABLE_TAGS + 10))
        html = paragraphs_to_html(text)
        assert clean_body_html(html) == html
        assert body_problems(html) == []


class TestLinks:
    def test_an_external_link_gets_noopener_noreferrer(self):
        cleaned = clean_body_html('<p><a href="https://elsewhere.example/a?b=1&amp;c=2">there</a></p>')
        assert cleaned == (
            '<p><a href="https://elsewhere.example/a?b=1&amp;c=2" rel="noopener noreferrer">there</a></p>'
        )

    @pytest.mark.parametrize(
        "href", ["/en/stories/ferry/", "#notes", "https://news.example/en/", "HTTPS://NEWS.example/"]
    )
    def test_a_link_to_our_own_site_gets_no_rel(self, href):
        assert clean_body_html(f'<p><a href="{href}">ours</a></p>') == f'<p><a href="{href}">ours</a></p>'

    @pytest.mark.parametrize("href", ["//elsewhere.example/x", "/\\elsewhere.example/x", "https://news.example.evil/"])
    def test_addresses_that_leave_the_site_however_written_get_rel(self, href):
        assert 'rel="noopener noreferrer"' in clean_body_html(f'<p><a href="{href}">x</a></p>')

    def test_a_mail_link_is_kept_without_rel(self):
        assert clean_body_html('<p><a href="mailto:desk@news.example">Write</a></p>') == (
            '<p><a href="mailto:desk@news.example">Write</a></p>'
        )

    def test_a_rel_or_target_sent_by_the_writer_is_replaced(self):
        cleaned = clean_body_html('<p><a href="https://e.example/" rel="opener" target="_blank">x</a></p>')
        assert cleaned == '<p><a href="https://e.example/" rel="noopener noreferrer">x</a></p>'

    def test_a_link_keeps_its_title(self):
        assert clean_body_html('<p><a href="/en/" title="Home &quot;page&quot;">x</a></p>') == (
            '<p><a href="/en/" title="Home &quot;page&quot;">x</a></p>'
        )

    def test_a_link_the_parser_puts_inside_a_link_joins_it(self):
        # A misplaced table makes html5ever nest the second link in the first: HTML allows no such thing.
        assert clean_body_html('<a href="/a"><table><a href="/b">two</a></table>') == '<p><a href="/a">two  </a></p>'


class TestPhotos:
    def test_a_photo_of_the_library_is_kept_as_a_block_with_its_id_address_and_alt_text(self):
        assert clean_body_html(
            '<p>Before <img src="/media/photos/ferry.webp" alt="The ferry &amp; pier" data-photo="12"> after</p>'
        ) == (
            '<p>Before </p><img data-photo="12" src="/media/photos/ferry.webp" alt="The ferry &amp; pier"><p> after</p>'
        )

    def test_a_photo_ends_the_heading_link_and_emphasis_it_stands_in_and_they_go_on_after_it(self):
        cleaned = clean_body_html(
            '<h2>Ferries <img data-photo="3"> today</h2>'
            '<p><strong>Boats <a href="/en/x">left <img data-photo="4">at dawn</a></strong>.</p>'
        )
        assert cleaned == (
            '<h2>Ferries </h2><img data-photo="3" alt=""><h2> today</h2>'
            '<p><strong>Boats <a href="/en/x">left </a></strong></p><img data-photo="4" alt="">'
            '<p><strong><a href="/en/x">at dawn</a></strong>.</p>'
        )

    def test_a_photo_stays_in_its_quote_or_list_item(self):
        assert clean_body_html(
            '<blockquote><p>Said <img data-photo="5"></p></blockquote><ul><li>a<img data-photo="6"></li></ul>'
        ) == (
            '<blockquote><p>Said </p><img data-photo="5" alt=""></blockquote>'
            '<ul><li><p>a</p><img data-photo="6" alt=""></li></ul>'
        )

    def test_a_photo_alone_leaves_no_empty_paragraph(self):
        assert (
            clean_body_html('<p><img data-photo="7" src="/media/a.webp"></p>')
            == '<img data-photo="7" src="/media/a.webp" alt="">'
        )

    def test_leading_zeros_go_from_the_id(self):
        assert clean_body_html('<img data-photo="0012">') == '<img data-photo="12" alt="">'

    @pytest.mark.parametrize("value", ["", "x", "12a", "1e3", " 12", "-1", "0", "+3", "١٢", "１２", "1" * 19, "12.0"])
    def test_an_image_naming_no_photo_is_dropped(self, value):
        assert clean_body_html(f'<p>Text <img data-photo="{value}" src="/media/a.jpg" alt="x"></p>') == "<p>Text </p>"

    def test_an_image_of_the_library_without_a_photo_id_is_dropped(self):
        # A photo copied from a page of ours (its rendition's address, no id): the form says so.
        assert clean_body_html('<p>Text <img src="/media/photos/a.jpg" alt="x"></p>') == "<p>Text </p>"

    @pytest.mark.parametrize(
        "src",
        [
            "https://tracker.example/pixel.gif",
            "//tracker.example/media/a.jpg",
            "///tracker.example/media/a.jpg",
            "/static/img/logo.png",
            "/media/../admin/logout/",
            "/media/%2e%2e/admin/",
            "/media/a//b.jpg",
            "/media/a.jpg?x=1",
            "/media/\\a.jpg",
            "/media/",
            "data:image/png;base64,AAAA",
            "javascript:alert(1)",
            "media/a.jpg",
        ],
    )
    def test_an_address_from_anywhere_else_is_dropped_and_the_photo_kept(self, src):
        # The page draws the photo from its row: the address was only the editor's preview.
        assert clean_body_html(f'<p>Text <img data-photo="8" src="{src}" alt="x" onerror="alert(1)"></p>') == (
            '<p>Text </p><img data-photo="8" alt="x">'
        )
        assert clean_body_html(f'<p>Text <img src="{src}" alt="x" onerror="alert(1)"></p>') == "<p>Text </p>"

    def test_the_rules_other_attributes_of_a_photo_go(self):
        assert clean_body_html(
            '<img data-photo="9" src="/media/a.jpg" alt="a" width="10" style="x" onload="y" class="z">'
        ) == ('<img data-photo="9" src="/media/a.jpg" alt="a">')

    def test_a_hostile_alt_text_is_escaped(self):
        cleaned = clean_body_html('<img data-photo="9" alt="&quot;><script>alert(1)</script>">')
        assert cleaned == '<img data-photo="9" alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'

    @pytest.mark.parametrize("media_url", ["", "/"])
    def test_without_a_media_url_no_address_is_kept(self, settings, media_url):
        # Django reads an empty MEDIA_URL as "/": the whole site is no photo library.
        settings.MEDIA_URL = media_url
        assert clean_body_html('<p>a<img data-photo="2" src="/media/a.jpg" alt="x"></p>') == (
            '<p>a</p><img data-photo="2" alt="x">'
        )

    def test_a_media_host_of_its_own_is_the_only_one_allowed(self):
        assert is_library_image("https://media.news.example/photos/a.jpg", "https://media.news.example/")
        assert not is_library_image("https://media.news.example.evil/photos/a.jpg", "https://media.news.example/")
        assert not is_library_image("http://media.news.example/photos/a.jpg", "https://media.news.example/")
        assert not is_library_image("/photos/a.jpg", "https://media.news.example/")

    def test_the_form_names_each_image_it_refuses(self):
        assert body_problems(
            '<p><img src="data:image/png;base64,AA"><img src="/media/ok.jpg">'
            '<img data-photo="3" src="https://elsewhere.example/a.jpg"></p>'
        ) == [
            "Only photos from our photo library can be in a story: data:image/png;base64,AA is not one of them.",
            "The image /media/ok.jpg is not placed from the photo library: remove it and use “Insert photo”.",
        ]

    def test_the_ids_of_the_photos_come_in_body_order(self):
        assert photo_ids(
            '<p>a<img data-photo="3"></p><img data-photo="1"><img data-photo="x"><img data-photo="3">'
        ) == [
            3,
            1,
            3,
        ]

    def test_the_photos_are_replaced_by_the_caller_s_markup(self):
        cleaned = clean_body_html(
            '<p>&lt;img data-photo="1"&gt;</p>'
            '<img data-photo="1" alt="&lt;img data-photo=&quot;2&quot;&gt;"><img data-photo="2">'
        )
        placed = place_photos(cleaned, lambda photo_id: {1: "<figure>1</figure>"}.get(photo_id))
        # Text and alt text that read like a photo are not photos; None leaves a reference as it is.
        assert placed == '<p>&lt;img data-photo="1"&gt;</p><figure>1</figure><img data-photo="2" alt="">'

    def test_a_reference_written_by_hand_is_what_the_cleaner_keeps(self):
        reference = photo_reference(4, "/media/a b.webp", 'A "quoted" <word>')
        assert clean_body_html(reference) == reference


class TestPlainBodies:
    def test_a_plain_body_becomes_paragraphs_with_its_line_breaks_escaped(self):
        assert clean_body_html("First line\nsecond & <b>line</b>\n\n\nSecond paragraph") == (
            "<p>First line<br>second &amp; &lt;b&gt;line&lt;/b&gt;</p><p>Second paragraph</p>"
        )

    def test_text_that_only_looks_like_markup_inside_is_plain(self):
        assert clean_body_html("Use the <p> element.") == "<p>Use the &lt;p&gt; element.</p>"

    def test_paragraphs_come_back_as_they_were_read(self):
        text = "One  two\r\nthree\u00a0four &amp;\n \n\n  five  "
        assert html_to_paragraphs(paragraphs_to_html(text)) == "One  two\nthree\u00a0four &amp;\n\nfive"

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(strategies.text())
    def test_any_plain_body_converts_back_to_what_a_reader_saw(self, text):
        text = clean_stored_text(text)  # as every save stores it
        blocks = [[line for line in block if shows_something(line)] for block in split_paragraphs(text)]
        expected = "\n\n".join("\n".join(block) for block in blocks if block)
        assert html_to_paragraphs(paragraphs_to_html(text)) == expected


# Pieces of markup, hostile and ordinary, for the property below.
PIECES = strategies.sampled_from(
    [
        "<p>",
        "</p>",
        "<h2>",
        "</h2>",
        "<h1>",
        "<ul>",
        "</ul>",
        "<ol>",
        "<li>",
        "</li>",
        "<blockquote>",
        "</blockquote>",
        "<strong>",
        "</strong>",
        "<em>",
        "<b>",
        "<a href='https://e.example/a'>",
        "<a href='/en/x'>",
        "<a href='javascript:x'>",
        "</a>",
        "<br>",
        "<img src='/media/a.jpg' alt='x'>",
        "<img data-photo='7' src='/media/a.jpg' alt='x'>",
        "<img data-photo='x1'>",
        "<img src='http://e.example/x' onerror='x'>",
        "<div>",
        "</div>",
        "<table>",
        "<td>",
        "text",
        " ",
        "\n",
        "&amp;",
        "&nbsp;",
        "<",
        ">",
        "\u200b",
        "한국어",
        "<script>x</script>",
        "<!-- c -->",
        "<p class=x onclick=y>",
    ]
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(strategies.lists(PIECES, max_size=30).map("".join))
def test_any_cleaned_body_is_clean_html_of_the_format_and_stays_as_it_is(value):
    cleaned = clean_body_html(value)
    assert clean_body_html(cleaned) == cleaned
    # Inside a tag: text that merely reads like markup is escaped (a plain body shows it as typed).
    tags = re.findall(r"<[^>]*>", cleaned)
    assert {re.match(r"</?(\w+)", tag).group(1) for tag in tags} <= ALLOWED_TAGS
    assert not [tag for tag in tags if re.search(r"onclick|onerror|javascript:|class=|http://e\.example/x", tag)]


class TestBodyText:
    def test_blocks_are_separated_by_a_blank_line_and_markup_goes(self):
        body = (
            '<h2>Ferries</h2><p>Boats <a href="https://e.example/">left</a> at <strong>dawn</strong>.<br>More.</p>'
            "<ul><li><p>One</p></li><li>Two</li></ul><blockquote><p>Quoted.</p></blockquote>"
        )
        assert body_text(body) == "Ferries\n\nBoats left at dawn.\nMore.\n\nOne\n\nTwo\n\nQuoted."

    def test_a_word_split_by_emphasis_stays_one_word(self):
        assert body_text("<p>news<em>room</em> and <strong>sea</strong>side</p>") == "newsroom and seaside"

    def test_entities_are_text_and_white_space_runs_as_a_browser_shows_it(self):
        assert body_text("<p>  A &amp; B &lt;tag&gt;\n  C  </p>") == "A & B <tag> C"

    def test_a_plain_body_reads_as_its_paragraphs(self):
        assert body_text("One\ntwo\n\nThree") == "One\ntwo\n\nThree"

    def test_editors_see_the_markup_spelled_out_in_the_diff_text(self):
        body = (
            '<h2>Sub</h2><h3>Small</h3><ul><li>a <a href="https://e.example/">link</a></li></ul>'
            "<ol><li>one</li><li>two</li></ol><blockquote><p>q</p></blockquote>"
            '<p><img data-photo="4" src="/media/a.jpg" alt="A cat"></p><img data-photo="5" alt="">'
        )
        assert body_text(body, show_markup=True) == (
            "## Sub\n\n### Small\n\n• a link <https://e.example/>\n\n1. one\n\n2. two\n\n> q\n\n[photo 4: A cat]"
            "\n\n[photo 5]"
        )

    def test_the_diff_names_a_photo_by_the_words_it_is_given(self):
        body = '<p>a</p><img data-photo="4" alt="A cat"><blockquote><img data-photo="5" alt=""></blockquote>'
        assert body_text(body, show_markup=True, photo_words={4: "The cat at dawn.", 5: "Harbour"}) == (
            "a\n\n[photo 4: The cat at dawn.]\n\n> [photo 5: Harbour]"
        )

    def test_a_photo_has_no_text_for_readers(self):
        assert body_text('<p>a</p><img data-photo="4" alt="A cat"><p>b</p>') == "a\n\nb"


def test_demoted_headings_go_one_level_down_and_nothing_else_changes():
    body = clean_body_html(
        '<h2>A</h2><p>&lt;h2&gt; <img data-photo="1" src="/media/a.jpg" alt="&lt;h3&gt;"></p><h3>B</h3>'
    )
    assert demote_headings(body) == (
        '<h3>A</h3><p>&lt;h2&gt; </p><img data-photo="1" src="/media/a.jpg" alt="&lt;h3&gt;"><h4>B</h4>'
    )


def test_the_editor_offers_no_element_the_cleaner_would_take_out():
    assert allowlist_from_extensions(BODY_EDITOR_EXTENSIONS)["tags"] <= ALLOWED_TAGS
