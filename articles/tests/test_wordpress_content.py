"""WordPress post HTML converted into our body subset, without a database."""

from html.parser import HTMLParser
from pathlib import Path

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.wordpress import (
    Attachment,
    ContentConversionError,
    ImageReference,
    Post,
    convert_post_content,
    plain_line,
    plain_text,
    read_export,
    shortcodes,
)
from articles.wordpress import content as wp_content
from articles.wordpress.html_tree import MAX_DEPTH

EXPORTS = Path(__file__).parent / "wordpress"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
YOUTUBE_PARAGRAPH = f'<p><a href="{YOUTUBE}">{YOUTUBE}</a></p>'
VIMEO = "https://vimeo.com/76979871"


def body(html, **options):
    return convert_post_content(html, **options).body_html


def dropped(html, **options):
    return dict(convert_post_content(html, **options).dropped)


def attachment(attachment_id, url, *, alt="", caption="", parent_id=None, menu_order=0):
    return Attachment(
        id=attachment_id,
        title="",
        url=url,
        file=url.rpartition("/uploads/")[2],
        alt=alt,
        caption=caption,
        description="",
        parent_id=parent_id,
        menu_order=menu_order,
        published_at=None,
        line=1,
    )


# Classic posts: wpautop.


def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks():
    assert body("One\ntwo.\n\nThree.") == "<p>One<br>two.</p>\n<p>Three.</p>"


def test_a_newline_after_a_br_is_the_same_line_break():
    assert body("One<br />\ntwo") == "<p>One<br>two</p>"


def test_newlines_around_block_elements_make_no_line_breaks():
    assert body("Intro\n<h2>Heading</h2>\nMore\n<ul>\n<li>a</li>\n</ul>\n") == (
        "<p>Intro</p>\n<h2>Heading</h2>\n<p>More</p>\n<ul>\n<li>a</li>\n</ul>"
    )


def test_a_paragraph_break_inside_bold_text_keeps_both_halves_bold():
    assert body("<strong>one\n\ntwo</strong> three") == "<p><strong>one</strong></p>\n<p><strong>two</strong> three</p>"


def test_preformatted_text_keeps_its_lines_and_is_counted():
    result = convert_post_content("<pre>line one\n\nline two</pre>")
    assert result.body_html == "<p>line one<br><br>line two</p>"
    assert result.dropped == {wp_content.DROPPED_PREFORMATTED: 1}


def test_the_more_tag_and_other_comments_are_removed():
    assert body("Teaser\n\n<!--more-->\n\nRest <!-- a note -->here") == "<p>Teaser</p>\n<p>Rest here</p>"


def test_empty_paragraphs_of_no_break_spaces_are_not_kept():
    assert body("<p>&nbsp;</p>\n<p>Text</p>") == "<p>Text</p>"


# Block editor posts.


def test_block_comments_go_and_their_html_stays_without_wpautop():
    html = "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Three</p>\n"
    assert body(html) == "<p>One two</p>\n<p>Three</p>"


def test_a_self_closing_block_is_counted_as_made_by_wordpress():
    result = convert_post_content("<!-- wp:paragraph --><p>Text</p><!-- /wp:paragraph -->\n<!-- wp:latest-posts /-->")
    assert result.body_html == "<p>Text</p>"
    assert result.dropped == {wp_content.block_key("latest-posts"): 1}


def test_an_image_block_becomes_the_image_and_its_caption():
    html = (
        '<!-- wp:image {"id":22} --><figure class="wp-block-image"><img src="https://e.example/a.jpg" alt="Night"'
        ' class="wp-image-22"/><figcaption class="wp-element-caption">The <strong>port</strong></figcaption>'
        "</figure><!-- /wp:image -->"
    )
    result = convert_post_content(html)
    assert result.body_html == (
        '<img src="https://e.example/a.jpg" alt="Night">\n<p><em>The <strong>port</strong></em></p>'
    )
    assert result.images == [ImageReference("https://e.example/a.jpg", "Night", "The port", 22)]


# Headings, lists, quotes, links.


@pytest.mark.parametrize(
    ("tag", "ours"), [("h1", "h2"), ("h2", "h2"), ("h3", "h3"), ("h4", "h3"), ("h5", "h3"), ("h6", "h3")]
)
def test_headings_become_h2_or_h3(tag, ours):
    assert body(f"<{tag}>Title</{tag}>") == f"<{ours}>Title</{ours}>"


def test_bold_and_italic_tags_become_strong_and_em():
    assert body("<b>bold</b> and <i>italic</i>") == "<p><strong>bold</strong> and <em>italic</em></p>"


def test_nested_lists_are_kept():
    html = "<ol><li>one<ul><li>a</li><li>b</li></ul></li><li>two</li></ol>"
    assert body(html) == "<ol>\n<li>one<ul>\n<li>a</li>\n<li>b</li>\n</ul></li>\n<li>two</li>\n</ol>"


def test_list_items_without_end_tags_are_closed_like_a_browser_would():
    assert body("<ul><li>one<li>two</ul>") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"


def test_a_list_that_starts_elsewhere_than_one_is_counted():
    result = convert_post_content('<ol start="4"><li>four</li></ol>')
    assert result.body_html == "<ol>\n<li>four</li>\n</ol>"
    assert result.dropped == {wp_content.DROPPED_LIST_NUMBERING: 1}


def test_quotes_hold_paragraphs():
    assert body("<blockquote>Said once.\n\nSaid twice.</blockquote>") == (
        "<blockquote>\n<p>Said once.</p>\n<p>Said twice.</p>\n</blockquote>"
    )


def test_links_keep_http_https_and_mailto_addresses():
    assert body('<a href="https://a.example/x?y=1&amp;z=2">a</a> <a href="mailto:desk@a.example">desk</a>') == (
        '<p><a href="https://a.example/x?y=1&amp;z=2">a</a> <a href="mailto:desk@a.example">desk</a></p>'
    )


def test_relative_links_become_absolute_on_the_old_site():
    assert body('<a href="/2020/01/02/older/">older</a>', base_url="https://harbour.example") == (
        '<p><a href="https://harbour.example/2020/01/02/older/">older</a></p>'
    )


def test_script_links_are_unwrapped_and_counted():
    result = convert_post_content('<a href=" JavaScript:alert(1)">click</a>')
    assert result.body_html == "<p>click</p>"
    assert result.dropped == {wp_content.link_scheme_key("javascript"): 1}


def test_links_to_anchors_in_the_page_are_unwrapped_and_counted():
    result = convert_post_content('<a href="#notes">notes</a>')
    assert result.body_html == "<p>notes</p>"
    assert result.dropped == {wp_content.DROPPED_ANCHOR_LINK: 1}


def test_text_is_escaped_and_attributes_of_the_input_do_not_pass():
    html = '<p class="x" onclick="evil()" style="color:red">a &lt;b&gt; &amp; "c"</p>'
    assert body(html) == '<p>a &lt;b&gt; &amp; "c"</p>'


# What is dropped.


def test_scripts_styles_and_forms_are_dropped_with_their_content_and_counted():
    html = "<p>Before</p><script>track()</script><style>p{}</style><form><input name=q></form><p>After</p>"
    result = convert_post_content(html)
    assert result.body_html == "<p>Before</p>\n<p>After</p>"
    assert result.dropped == {"script (<script>)": 1, "style sheet (<style>)": 1, "form (<form>)": 1}


def test_formatting_we_have_no_tag_for_keeps_its_text_and_is_counted():
    result = convert_post_content("E = mc<sup>2</sup>, <code>ls</code>, <span>plain</span>")
    assert result.body_html == "<p>E = mc2, ls, plain</p>"
    assert result.dropped == {wp_content.formatting_key("sup"): 1, wp_content.formatting_key("code"): 1}


def test_unknown_elements_keep_their_text_and_are_counted():
    result = convert_post_content("Pasted from Word<o:p></o:p> text")
    assert result.body_html == "<p>Pasted from Word text</p>"
    assert result.dropped == {wp_content.unknown_element_key("o:p"): 1}


def test_tables_become_a_paragraph_per_row_and_are_counted():
    html = (
        "<table><thead><tr><th>Port</th><th>Ships</th></tr></thead>"
        "<tbody><tr><td>Busan</td><td>4</td></tr></tbody></table>"
    )
    result = convert_post_content(html)
    assert result.body_html == "<p><strong>Port</strong> | <strong>Ships</strong></p>\n<p>Busan | 4</p>"
    assert result.dropped == {wp_content.DROPPED_TABLE: 1}


def test_horizontal_rules_are_counted():
    result = convert_post_content("One<hr />Two")
    assert result.body_html == "<p>One</p>\n<p>Two</p>"
    assert result.dropped == {wp_content.DROPPED_HORIZONTAL_RULE: 1}


def test_nesting_deeper_than_the_limit_is_flattened_and_counted():
    depth = MAX_DEPTH + 40
    result = convert_post_content("<div>" * depth + "deep" + "</div>" * depth)
    assert result.body_html == "<p>deep</p>"
    assert result.dropped == {wp_content.flattened_key(): depth - MAX_DEPTH}


def test_content_longer_than_the_limit_is_refused():
    with pytest.raises(ContentConversionError, match="at most 5,000,000 are converted"):
        convert_post_content("a" * (wp_content.MAX_CONTENT_CHARS + 1))


def test_an_empty_post_converts_to_an_empty_body():
    assert convert_post_content("").body_html == ""


# Images.


def test_an_image_inside_a_paragraph_splits_it():
    assert body('Before <img src="https://e.example/a.jpg" alt="A"> after') == (
        '<p>Before</p>\n<img src="https://e.example/a.jpg" alt="A">\n<p>after</p>'
    )


def test_images_in_list_items_follow_the_list():
    html = '<ul><li>One <img src="https://e.example/a.jpg" alt="A"></li><li>Two</li></ul>'
    assert body(html) == '<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n<img src="https://e.example/a.jpg" alt="A">'


def test_a_lazy_loaded_image_uses_its_real_address():
    result = convert_post_content('<img src="data:image/gif;base64,R0lGOD" data-src="https://e.example/a.jpg" alt="">')
    assert [image.src for image in result.images] == ["https://e.example/a.jpg"]
    assert result.dropped == {}


def test_an_image_stored_in_the_html_is_dropped_and_counted():
    result = convert_post_content('<img src="data:image/png;base64,iVBOR" alt="chart">')
    assert (result.body_html, result.images) == ("", [])
    assert result.dropped == {wp_content.DROPPED_DATA_IMAGE: 1}


def test_a_link_around_an_image_to_elsewhere_is_counted_but_not_one_to_its_file():
    to_file = '<a href="https://e.example/wp-content/uploads/a.jpg"><img src="https://e.example/a-300x200.jpg"></a>'
    elsewhere = '<a href="https://shop.example/"><img src="https://e.example/ad.jpg"></a>'
    assert dropped(to_file) == {}
    assert dropped(elsewhere) == {wp_content.DROPPED_IMAGE_LINK: 1}


def test_an_image_reference_knows_its_path_in_the_uploads_folder():
    image = ImageReference("https://harbour.example/wp-content/uploads/2024/05/%ed%95%ad%ea%b5%ac-300x200.jpg")
    assert image.uploads_path == "2024/05/항구-300x200.jpg"
    assert ImageReference("https://cdn.example/a.jpg").uploads_path == ""


# Shortcodes.


def test_a_caption_shortcode_becomes_the_image_and_its_caption():
    html = (
        '[caption id="attachment_5" align="alignnone" width="300"]<a href="https://e.example/wp-content/uploads/a.jpg">'
        '<img class="size-medium wp-image-5" src="https://e.example/wp-content/uploads/a-300x200.jpg" alt="Quay" />'
        "</a> The quay at <em>dawn</em>[/caption]"
    )
    result = convert_post_content(html)
    assert result.body_html == (
        '<img src="https://e.example/wp-content/uploads/a-300x200.jpg" alt="Quay">\n<p><em>The quay at dawn</em></p>'
    )
    assert result.images == [
        ImageReference("https://e.example/wp-content/uploads/a-300x200.jpg", "Quay", "The quay at dawn", 5)
    ]


def test_the_old_caption_attribute_is_the_caption():
    result = convert_post_content('[caption caption="Old style"]<img src="https://e.example/a.jpg" />[/caption]')
    assert result.images[0].caption == "Old style"


def test_a_gallery_names_its_images_by_attachment_id():
    attachments = {
        21: attachment(21, "https://e.example/wp-content/uploads/a.jpg", alt="A", caption="First"),
        22: attachment(22, "https://e.example/wp-content/uploads/b.jpg", alt="B"),
    }
    result = convert_post_content('[gallery ids="22,21,99"]', attachments=attachments)
    assert result.body_html == (
        '<img src="https://e.example/wp-content/uploads/b.jpg" alt="B">\n'
        '<img src="https://e.example/wp-content/uploads/a.jpg" alt="A">\n<p><em>First</em></p>'
    )
    assert [image.attachment_id for image in result.images] == [22, 21]
    assert result.dropped == {shortcodes.DROPPED_GALLERY_IMAGE: 1}


def test_a_gallery_without_ids_shows_the_images_attached_to_the_post_in_their_order():
    attachments = {
        1: attachment(1, "https://e.example/wp-content/uploads/late.jpg", parent_id=7, menu_order=2),
        2: attachment(2, "https://e.example/wp-content/uploads/early.jpg", parent_id=7, menu_order=1),
        3: attachment(3, "https://e.example/wp-content/uploads/other.jpg", parent_id=8),
        4: attachment(4, "https://e.example/wp-content/uploads/form.pdf", parent_id=7),
    }
    result = convert_post_content("[gallery]", attachments=attachments, post_id=7)
    assert [image.attachment_id for image in result.images] == [2, 1]


def test_a_gallery_without_the_exports_attachments_is_counted():
    assert dropped('[gallery ids="1,2"]') == {shortcodes.DROPPED_GALLERY_IMAGE: 2}
    assert dropped("[gallery]", post_id=3) == {shortcodes.DROPPED_EMPTY_GALLERY: 1}


def test_an_embed_shortcode_of_a_video_becomes_an_embed():
    result = convert_post_content("[embed]https://youtu.be/dQw4w9WgXcQ[/embed]")
    assert (result.body_html, result.embeds) == (YOUTUBE_PARAGRAPH, [YOUTUBE])


def test_a_video_shortcode_of_a_youtube_address_is_an_embed_and_of_a_file_is_counted():
    assert convert_post_content('[video src="https://www.youtube.com/watch?v=dQw4w9WgXcQ"]').embeds == [YOUTUBE]
    result = convert_post_content('[video src="https://e.example/wp-content/uploads/clip.mp4"][/video]')
    assert (result.body_html, result.dropped) == ("", {shortcodes.DROPPED_VIDEO_FILE: 1})


def test_audio_and_playlist_shortcodes_are_counted():
    assert dropped('[audio mp3="https://e.example/a.mp3"][/audio] [playlist ids="1,2"]') == {
        shortcodes.DROPPED_AUDIO: 1,
        shortcodes.DROPPED_PLAYLIST: 1,
    }


def test_unknown_shortcodes_are_dropped_and_counted_keeping_their_text():
    result = convert_post_content('[contact-form-7 id="3" title="Write"] [highlight]Read this[/highlight] [divider /]')
    assert result.body_html == "<p>Read this</p>"
    assert result.dropped == {
        shortcodes.shortcode_key("contact-form-7"): 1,
        shortcodes.shortcode_key("highlight"): 1,
        shortcodes.shortcode_key("divider"): 1,
    }


def test_bracketed_words_that_are_not_shortcodes_stay_as_text():
    text = "He said [sic] it was the best [1], [AP Photo] [Updated: 10:00]"
    assert convert_post_content(text).body_html == f"<p>{text}</p>"
    assert dropped(text) == {}


def test_an_escaped_shortcode_is_its_literal_text():
    assert body("Write [[gallery]] to show a gallery.") == "<p>Write [gallery] to show a gallery.</p>"


def test_shortcode_attributes_in_every_quoting():
    assert shortcodes.parse_attributes(""" ids="1,2" size='large' link=file "positional" """) == {
        "ids": "1,2",
        "size": "large",
        "link": "file",
        0: "positional",
    }


# Videos and other embeds.


def test_a_video_address_alone_on_its_line_becomes_an_embed():
    result = convert_post_content(f"Watch:\n\n{YOUTUBE}\n\nThen read on.")
    assert result.body_html == f"<p>Watch:</p>\n{YOUTUBE_PARAGRAPH}\n<p>Then read on.</p>"
    assert result.embeds == [YOUTUBE]


def test_a_video_address_inside_a_sentence_stays_text():
    result = convert_post_content(f"See {YOUTUBE} for more.")
    assert result.embeds == []
    assert result.body_html == f"<p>See {YOUTUBE} for more.</p>"


def test_an_embed_block_of_vimeo_becomes_an_embed():
    html = (
        '<!-- wp:embed {"url":"https://vimeo.com/76979871"} -->\n<figure class="wp-block-embed is-provider-vimeo">'
        '<div class="wp-block-embed__wrapper">\nhttps://vimeo.com/76979871\n</div></figure>\n<!-- /wp:embed -->'
    )
    assert convert_post_content(html).embeds == [VIMEO]


def test_youtube_and_vimeo_frames_become_embeds_and_other_frames_are_counted():
    html = (
        '<iframe src="//www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed"></iframe>'
        '<iframe src="https://player.vimeo.com/video/76979871"></iframe>'
        '<iframe src="https://www.google.com/maps/embed?pb=1"></iframe>'
    )
    result = convert_post_content(html)
    assert result.embeds == [YOUTUBE, VIMEO]
    assert result.dropped == {wp_content.frame_key("www.google.com"): 1}


def test_a_flash_era_youtube_object_becomes_an_embed():
    html = (
        '<object><param name="movie" value="http://www.youtube.com/v/dQw4w9WgXcQ&hl=en"></param>'
        '<embed src="http://www.youtube.com/v/dQw4w9WgXcQ&hl=en" type="application/x-shockwave-flash"></embed></object>'
    )
    result = convert_post_content(html)
    assert (result.embeds, result.dropped) == ([YOUTUBE], {})


def test_an_address_of_another_embedding_site_alone_on_its_line_is_kept_as_a_link_and_counted():
    result = convert_post_content("Reaction:\n\nhttps://twitter.com/harbour/status/1\n")
    assert result.body_html == (
        '<p>Reaction:</p>\n<p><a href="https://twitter.com/harbour/status/1">https://twitter.com/harbour/status/1</a></p>'
    )
    assert result.dropped == {shortcodes.oembed_key("twitter.com"): 1}


def test_an_embed_marker_written_in_the_post_itself_is_checked_again():
    result = convert_post_content('<newsroom-embed data-url="javascript:alert(1)"></newsroom-embed>Text')
    assert (result.body_html, result.embeds) == ("<p>Text</p>", [])


# The export's own posts.


def exported(post_id):
    items = list(read_export(EXPORTS / "harbour-times-wxr-1.2.xml", "Asia/Seoul"))
    attachments = {item.id: item for item in items if isinstance(item, Attachment)}
    post = next(item for item in items if isinstance(item, Post) and item.id == post_id)
    return convert_post_content(
        post.content, attachments=attachments, post_id=post_id, base_url="https://harbour.example"
    )


def test_the_classic_english_post_converts_whole():
    result = exported(10)
    assert result.body_html == (
        "<p>The harbour opened its culture week on Monday.<br>"
        "Ships from six port cities are moored at the old quay.</p>\n"
        '<img src="https://harbour.example/wp-content/uploads/2024/05/quay-1024x683.jpg" alt="Ships at the old quay">\n'
        "<p><em>The old quay at dawn</em></p>\n"
        "<h2>What is on</h2>\n"
        "<ul>\n<li>Concerts on the pier</li>\n<li>Open ships, every afternoon</li>\n</ul>\n"
        f"{YOUTUBE_PARAGRAPH}\n"
        '<img src="https://harbour.example/wp-content/uploads/2024/05/quay.jpg" alt="Ships at the old quay">\n'
        "<p><em>The old quay at dawn</em></p>\n"
        '<img src="https://harbour.example/wp-content/uploads/2024/05/항구.jpg" alt="야경">\n'
        "<p><em>항구의 밤</em></p>"
    )
    assert result.dropped == {"script (<script>)": 1}
    assert [image.attachment_id for image in result.images] == [21, 21, 22]


def test_the_korean_block_post_converts_whole():
    result = exported(11)
    assert result.body_html == (
        "<p>부산항이 월요일 문화 주간을 열었다.</p>\n"
        "<h3>행사 안내</h3>\n"
        '<img src="https://harbour.example/wp-content/uploads/2024/05/%ed%95%ad%ea%b5%ac.jpg" alt="야경">\n'
        "<p><em>항구의 밤</em></p>\n"
        f'<p><a href="{VIMEO}">{VIMEO}</a></p>'
    )
    assert result.images[0].uploads_path == "2024/05/항구.jpg"
    assert result.dropped == {wp_content.block_key("latest-posts"): 1}


# Plain text.


def test_plain_line_decodes_entities_and_drops_tags():
    assert plain_line("Tom &amp; Jerry&#8217;s <em>new</em>\n show") == "Tom & Jerry’s new show"


def test_plain_text_keeps_paragraphs_and_line_breaks():
    assert plain_text("<p>One<br/>two</p><p>Three</p>\n\n\n\nFour") == "One\ntwo\n\nThree\n\nFour"


def test_plain_text_gives_a_link_its_address_unless_the_text_is_the_address():
    assert plain_text('<a href="https://a.example/">site</a> <a href="https://b.example/">https://b.example/</a>') == (
        "site (https://a.example/) https://b.example/"
    )


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("내년에 <![ 꼭 가요.", "내년에 <![ 꼭 가요."),
        ("<![1]> first", "<![1]> first"),
        ("<![foo[ bar", "<![foo[ bar"),
        ("ends with ]]]]><![CDATA[>", "ends with ]]]]><![CDATA[>"),
        ("<p>a <![ <b>b</b></p>", "a <![ b"),
        ("<![", "<!["),
    ],
    ids=["space", "digit", "unknown-keyword", "split-cdata", "inside-a-paragraph", "at-the-end"],
)
def test_a_stray_marked_section_opener_is_text_and_raises_nothing(markup, text):
    assert plain_text(markup) == text
    assert plain_line(markup) == text
    assert "&lt;![" in body(markup)


def test_a_real_cdata_section_and_conditional_comments_are_still_left_out():
    assert plain_text("<![CDATA[hidden]]> shown <![if !IE]>also<![endif]>") == "shown also"


# Any input: the output stays in the subset.

SUBSET_TAGS = {"p", "br", "strong", "em", "a", "h2", "h3", "ul", "ol", "li", "blockquote", "img"}
SUBSET_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
FRAGMENTS = [
    "\n",
    "\n\n",
    " ",
    "text",
    "한국어 문장",
    "&amp;",
    "&nbsp;",
    "&#8217;",
    "<",
    ">",
    '"',
    "'",
    "<p>",
    "</p>",
    "<br />",
    "<strong>",
    "</strong>",
    "<b>",
    "<i>",
    "</i>",
    "<em>",
    "</em>",
    "<a href=\"https://a.example/?q=1&amp;r='2'\">",
    '<a href="javascript:alert(1)">',
    "<a>",
    "</a>",
    "<h1>",
    "</h1>",
    "<h4>",
    "<ul>",
    "<ol start='3'>",
    "<li>",
    "</li>",
    "</ul>",
    "<blockquote>",
    "</blockquote>",
    "<div>",
    "</div>",
    "<figure>",
    "<figcaption>",
    "</figcaption>",
    "</figure>",
    '<img src="https://e.example/wp-content/uploads/a b.jpg" alt=\'say "hi"\' class="wp-image-3">',
    '<img src="data:image/png;base64,AAA">',
    "<table><tr><td>",
    "</td><td>",
    "</table>",
    "<pre>",
    "</pre>",
    "<script>x()</script>",
    "<style>",
    '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
    '<iframe src="https://evil.example/">',
    "<!--more-->",
    "<!-- wp:paragraph -->",
    "<!-- wp:latest-posts /-->",
    "[caption]",
    "[/caption]",
    '[caption id="attachment_3" caption="C"]',
    '[gallery ids="1,2"]',
    "[embed]",
    "[/embed]",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://twitter.com/a/status/1",
    "[unknown a=1]",
    "[/unknown]",
    "[[escaped]]",
    "[sic]",
    "<newsroom-embed data-url='https://vimeo.com/1'>",
    "<o:p>",
    "<sup>",
    "</",
    "<!--",
    "<![",
    "<![1]>",
    "<![CDATA[",
    "]]>",
]


class SubsetChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name for name, _ in attrs}, dict(attrs)))


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40))
def test_any_input_converts_into_the_subset_and_nh3_leaves_it_unchanged(fragments):
    html_text = "".join(fragments)
    result = convert_post_content(html_text, attachments={}, post_id=1)
    checker = SubsetChecker()
    checker.feed(result.body_html)
    for tag, attributes, values in checker.found:
        assert tag in SUBSET_TAGS
        assert attributes <= SUBSET_ATTRIBUTES.get(tag, set())
        for name in ("href", "src"):
            if name in values:
                assert values[name].split(":", 1)[0] in ("https", "http", "mailto") or ":" not in values[name]
    cleaned = nh3.clean(
        result.body_html,
        tags=SUBSET_TAGS,
        attributes={tag: set(names) for tag, names in SUBSET_ATTRIBUTES.items()},
        link_rel=None,
    )
    assert cleaned == result.body_html
