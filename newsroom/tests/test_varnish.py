"""deploy/varnish/newsroom.vcl in front of two real gunicorn instances (`-m live`, about a minute).

One site for the module (newsroom/tests/varnish_site.py): Varnish on a free port, two
instances of the site plus pages of their own that say `public, s-maxage` with parameters
(newsroom/tests/proxy_urls.py), one throwaway database. The site's own story, home, hashtag and
feed pages are tested through the proxy too. Every change is made by the site's
own code in another process (`site_python`), which sends its BAN on commit as a web request
would (articles/purge.py). Skipped without Debian's varnish package.
"""

import json
import re
import time
import urllib.parse
from pathlib import Path

import pytest

from articles.page_cache import PERSONAL_COOKIE_PREFIX, TRACKING_PARAMETER
from comments.tests.live_site import STORY_PATH, Visitor, site_python
from operations.logs import SANE_REQUEST_ID

from .varnish_site import VARNISHD, get, proxied_site, proxy_protocol_get, wait_for_text

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
# A change is visible through the proxy this soon after its commit (issue 12: within 1 s).
VISIBLE_WITHIN_SECONDS = 1.0

needs_varnish = pytest.mark.skipif(VARNISHD is None, reason="varnishd not installed (apt-get install varnish)")


def test_the_vcl_passes_every_cookie_that_makes_a_page_personal(settings):
    """The VCL's personal cookies are the page cache's (articles/page_cache.is_personal): the session,
    the messages and every cookie named with our prefix."""
    from django.contrib.messages.storage.cookie import CookieStorage

    passed = re.search(r"req\.http\.Cookie ~ \"\(\^\|;\)\\s\*\(([^)]*)\)=\"", VCL.read_text())
    assert passed, "the cookie test of vcl_recv was not found"
    names = set(passed[1].split("|"))
    assert names == {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, f"{PERSONAL_COOKIE_PREFIX}[A-Za-z0-9_]*"}


def test_the_vcl_drops_the_tracking_parameters_the_page_cache_drops():
    """One list, articles/page_cache.py TRACKING_PARAMETER: a parameter Django drops must not make
    another copy in Varnish, and one Varnish drops must not be one Django shows."""
    stripping = re.escape('regsuball(req.url, "(?<=[?&])(') + r"(.*)" + re.escape(')(=[^&]*)?(&|$)", "")')
    dropped = re.search(stripping, VCL.read_text())
    assert dropped, "the tracking parameters' regsuball of vcl_recv was not found"
    assert dropped[1] == TRACKING_PARAMETER.pattern


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_blocker):
    if VARNISHD is None:
        pytest.skip("varnishd not installed (apt-get install varnish)")
    with django_db_blocker.unblock(), proxied_site(tmp_path_factory.mktemp("varnish")) as running:
        yield running


def story_id(site):
    return int(site_python(site.env, f"from articles.models import Story\nprint(Story.objects.get(slug={SLUG!r}).pk)"))


SLUG = STORY_PATH.strip("/").split("/")[-1]

APPROVE = """
import json, time
from django.utils import timezone
from articles.models import Story
from comments.models import Comment
from comments.status import change_status
story = Story.objects.get(slug={slug!r})
comment = Comment.objects.create(story=story, author_name="Reader", author_email="reader@example.org",
                                 text={text!r}, status="pending", ip_address="192.0.2.1", created_at=timezone.now())
change_status(comment, "approved")
print(json.dumps(time.time()))
"""

EDIT = """
import json, time
from articles.models import Story
story = Story.objects.get(slug={slug!r})
story.headline = {headline!r}
story.save()
print(json.dumps(time.time()))
"""


def cached_twice(site, path):
    """GET `path` until Varnish answers it from its cache; returns the body."""
    for _ in range(3):
        status, headers, body = get(site.proxy, path)
        assert status == 200, body[:300]
        if headers.get("x-cache") == "hit":
            return body
    raise AssertionError(f"{path} was not served from the cache: {headers}")


@pytest.mark.live
@needs_varnish
def test_a_comment_approval_reaches_its_story_through_the_proxy_within_a_second(site):
    pk = story_id(site)
    path = f"/proxy-test/stories/{pk}/"
    assert "Approved through the admin" not in cached_twice(site, path)
    elsewhere = f"/proxy-test/listing/?exclude={pk}"  # a listing that does not show this story
    cached_twice(site, elsewhere)

    committed = json.loads(site_python(site.env, APPROVE.format(slug=SLUG, text="Approved through the admin")))
    seen = wait_for_text(site.proxy, path, "Approved through the admin")

    assert seen - committed < VISIBLE_WITHIN_SECONDS
    # A comment changes every listing too: the cards say how many comments each story has.
    assert get(site.proxy, elsewhere)[1]["x-cache"] == "miss"


@pytest.mark.live
@needs_varnish
def test_a_story_edit_reaches_its_page_and_the_listings_within_a_second(site):
    pk = story_id(site)
    path = f"/proxy-test/stories/{pk}/"
    cached_twice(site, path)
    cached_twice(site, "/proxy-test/listing/")
    elsewhere = f"/proxy-test/listing/?exclude={pk}"
    cached_twice(site, elsewhere)

    committed = json.loads(site_python(site.env, EDIT.format(slug=SLUG, headline="Library hours extended again")))

    assert wait_for_text(site.proxy, path, "Library hours extended again") - committed < VISIBLE_WITHIN_SECONDS
    listing = wait_for_text(site.proxy, "/proxy-test/listing/", "Library hours extended again")
    assert listing - committed < VISIBLE_WITHIN_SECONDS
    # Every listing goes: a story whose change puts it on a list is not named by that list yet.
    assert get(site.proxy, elsewhere)[1]["x-cache"] == "miss"


@pytest.mark.live
@needs_varnish
def test_responses_do_not_tell_readers_which_stories_a_page_shows(site):
    status, headers, _ = get(site.proxy, f"/proxy-test/stories/{story_id(site)}/")
    assert status == 200
    assert "x-newsroom-stories" not in headers
    assert "x-newsroom-swr" not in headers


@pytest.mark.live
@needs_varnish
def test_only_this_machine_may_ban_purge_or_ask_readiness(site):
    path = f"/proxy-test/stories/{story_id(site)}/"
    cached_twice(site, path)

    assert get(site.proxy, "/", {"X-Newsroom-Ban": "all"}, method="BAN", source="127.0.0.2")[0] == 403
    assert get(site.proxy, path, method="PURGE", source="127.0.0.2")[0] == 403
    assert get(site.proxy, "/readyz", source="127.0.0.2")[0] == 403
    assert get(site.proxy, "/readyz")[0] == 200
    assert get(site.proxy, "/", {"X-Newsroom-Ban": "1 || obj.status"}, method="BAN")[0] == 400
    assert get(site.proxy, path)[1]["x-cache"] == "hit"

    assert get(site.proxy, path, method="PURGE")[0] == 200
    assert get(site.proxy, path)[1]["x-cache"] == "miss"


@pytest.mark.live
@needs_varnish
@pytest.mark.parametrize(
    ("target", "headers", "status"),
    [
        ("/%72eadyz", {}, 400),  # a letter written %XX: refused before Django decodes it
        ("/readyz%3f", {}, 404),  # `?` written %3F is not a query: a path of its own (Django's 404)
        ("/readyz#x", {}, 400),  # a fragment is no part of a request
        ("/READYZ", {}, 403),
        ("/readyz/", {}, 403),
        ("/readyz?x=1", {}, 403),
        ("/a/readyz", {"SCRIPT_NAME": "/a"}, 404),  # gunicorn.conf.py: no header sets the mount point
    ],
)
def test_no_spelling_of_readiness_is_answered_to_others(site, target, headers, status):
    answer = get(site.proxy, target, headers, source="127.0.0.2")
    assert answer[0] == status, (target, answer[0], answer[2][:200])
    assert answer[2] != "ready\n"


@pytest.mark.live
@needs_varnish
def test_korean_addresses_pass_the_proxy(site):
    """Percent-encoded bytes from %80 up (UTF-8 of Hangul, upper or lower case hex) are not refused."""
    path = urllib.parse.quote("/ko/tags/도서관/")
    for spelling in (path, path.lower()):
        status, _, body = get(site.proxy, spelling)
        assert status == 200, spelling
        assert "마포구립도서관" in body
    assert get(site.proxy, "/ko/search/?q=" + urllib.parse.quote("도서관"))[0] == 200


@pytest.mark.live
@needs_varnish
def test_a_visitor_cannot_tell_django_the_request_came_over_https(site):
    status, _, body = get(site.proxy, "/proxy-test/request/", {"X-Forwarded-Proto": "https"})
    assert (status, body.split()[0]) == (200, "http")


@pytest.mark.live
@needs_varnish
def test_requests_from_the_tls_terminator_reach_django_as_https(site):
    """The listener named tls (PROXY protocol): https, whatever X-Forwarded-Proto the visitor sent."""
    status, _, body = proxy_protocol_get(site.tls_port, "/proxy-test/request/", {"X-Forwarded-Proto": "http"})
    assert (status, body.split()[0]) == (200, "https")


@pytest.mark.live
@needs_varnish
def test_a_visitor_through_the_tls_terminator_is_not_this_machine(site):
    """The PROXY line names the visitor: Varnish's ACL reads that address, not the terminator's."""
    assert proxy_protocol_get(site.tls_port, "/readyz")[0] == 403
    assert proxy_protocol_get(site.tls_port, "/readyz", client="127.0.0.1")[0] == 200


@pytest.mark.live
@needs_varnish
def test_the_http_and_https_copies_of_a_page_are_kept_apart_and_purged_together(site):
    path = "/proxy-test/request/?shared=1"
    host = {"Host": site.proxy}  # the same URL and host on both listeners: only the scheme differs
    assert cached_twice(site, path).split()[0] == "http"
    status, headers, body = proxy_protocol_get(site.tls_port, path, host)
    assert (status, headers["x-cache"], body.split()[0]) == (200, "miss", "https")
    assert proxy_protocol_get(site.tls_port, path, host)[1]["x-cache"] == "hit"
    status, headers, body = get(site.proxy, path)
    assert (headers["x-cache"], body.split()[0]) == ("hit", "http")

    assert get(site.proxy, path, method="PURGE")[0] == 200

    assert get(site.proxy, path)[1]["x-cache"] == "miss"
    assert proxy_protocol_get(site.tls_port, path, host)[1]["x-cache"] == "miss"


@pytest.mark.live
@needs_varnish
def test_every_tracking_parameter_django_drops_shares_one_cached_copy(site):
    path = f"/proxy-test/stories/{story_id(site)}/?s=597"
    assert get(site.proxy, path)[1]["x-cache"] == "miss"
    for tracking in ("msclkid=a1", "msclkid=a2", "dclid=1&mc_cid=2&mc_eid=3", "_ga=GA1.1", "utm_source_platform=x"):
        assert get(site.proxy, f"{path}&{tracking}")[1]["x-cache"] == "hit", tracking
    assert get(site.proxy, f"{path}&msclkid2=a1")[1]["x-cache"] == "miss"


@pytest.mark.live
@needs_varnish
def test_each_answer_has_a_request_id_of_its_own_hits_included(site):
    path = f"/proxy-test/stories/{story_id(site)}/?s=596"
    cached_twice(site, path)
    answers = [get(site.proxy, path, {"X-Request-ID": "chosen-by-the-visitor"})[1] for _ in range(2)]
    assert [headers["x-cache"] for headers in answers] == ["hit", "hit"]
    ids = [headers["x-request-id"] for headers in answers]
    assert ids[0] != ids[1]
    assert "chosen-by-the-visitor" not in ids
    assert all(SANE_REQUEST_ID.fullmatch(request_id) for request_id in ids)


@pytest.mark.live
@needs_varnish
def test_a_miss_answers_with_the_request_id_django_logged(site):
    status, headers, body = get(site.proxy, "/proxy-test/request/", {"X-Request-ID": "chosen-by-the-visitor"})
    assert status == 200
    assert body.split()[1] == headers["x-request-id"] != "chosen-by-the-visitor"
    # Varnish's own answers carry one too.
    assert get(site.proxy, "/readyz", source="127.0.0.2")[1]["x-request-id"]


@pytest.mark.live
@needs_varnish
def test_personal_cookies_pass_and_other_cookies_are_left_out_of_the_lookup(site):
    path = f"/proxy-test/stories/{story_id(site)}/"
    cached_twice(site, path)

    for cookie in ("newsroom_comment_author=x", "sessionid=abc", "_ga=GA1.1; newsroom_own_comments=1:abc"):
        assert get(site.proxy, path, {"Cookie": cookie})[1]["x-cache"] == "pass", cookie
    assert get(site.proxy, path, {"Cookie": "csrftoken=abc; _ga=GA1.1"})[1]["x-cache"] == "hit"
    assert get(site.proxy, path + "?utm_source=newsletter&utm_medium=email")[1]["x-cache"] == "hit"


@pytest.mark.live
@needs_varnish
def test_a_page_that_is_not_cached_gets_the_cookies_it_was_sent(site):
    get(site.proxy, "/proxy-test/cookies/")  # the first asks without cookies, and finds the page private
    status, headers, body = get(site.proxy, "/proxy-test/cookies/", {"Cookie": "csrftoken=abc; _ga=GA1.1"})
    assert (status, headers["x-cache"], body) == (200, "pass", "_ga csrftoken")


@pytest.mark.live
@needs_varnish
def test_the_flood_limit_holds_across_both_instances_behind_the_proxy(site):
    """Round robin sends a visitor's two posts to the two instances: the second is still refused."""
    visitor = Visitor(site.proxy)
    hidden = visitor.show_form()
    first = visitor.post(hidden, "A first comment through the proxy.", "Flooder", "flooder@example.org")
    second = visitor.post(hidden, "A second comment, too soon.", "Flooder", "flooder@example.org")
    assert [first[0], second[0]] == [303, 429]
    assert "You are posting too quickly" in second[1]


@pytest.mark.live
@needs_varnish
def test_readers_see_no_error_when_an_instance_is_killed(site):
    """Pages Varnish does not keep (the story page, today) go to the other instance at once."""
    killed = site.ports[0]
    site.kill_instance(killed)
    try:
        statuses = [get(site.proxy, STORY_PATH)[0] for _ in range(20)]
        assert statuses == [200] * 20
    finally:
        site.start_instance(killed)
        site.wait_until_serving()


@pytest.mark.live
@needs_varnish
def test_a_cached_page_is_served_while_no_instance_answers(site):
    path = f"/proxy-test/stories/{story_id(site)}/?s=1&swr=0"
    headline = cached_twice(site, path).splitlines()[0]
    time.sleep(1.1)  # past its s-maxage, and no stale-while-revalidate: only an outage may serve it
    for port in list(site.servers):
        site.kill_instance(port)
    try:
        # Until the probes find both instances gone (about 3 s) the copy is too old to serve.
        served = wait_for_text(site.proxy, path, headline, seconds=10)
        assert get(site.proxy, path)[1]["x-cache"] == "hit"
        assert served
    finally:
        for port in site.ports:
            site.start_instance(port)
        site.wait_until_serving()


def assert_shared(headers, path):
    """The site's own reader pages say a shared cache may keep them (README "HTTP headers")."""
    cache_control = headers.get("cache-control", "")
    assert "public" in cache_control and "s-maxage" in cache_control, (path, cache_control)


@pytest.mark.live
@needs_varnish
def test_the_story_page_through_the_proxy_shows_an_approved_comment_within_a_second(site):
    status, headers, _ = get(site.proxy, STORY_PATH)
    assert status == 200
    assert_shared(headers, STORY_PATH)
    cached_twice(site, STORY_PATH)
    committed = json.loads(site_python(site.env, APPROVE.format(slug=SLUG, text="Seen on the real story page")))
    assert wait_for_text(site.proxy, STORY_PATH, "Seen on the real story page") - committed < VISIBLE_WITHIN_SECONDS


PUBLISH = """
import json, time
from django.utils import timezone
from articles.models import Hashtag, Outlet, Story
outlet = Outlet.objects.get(stories__slug={slug!r})
story = Story.objects.create(outlet=outlet, slug="night-buses-added-for-exam-weeks", headline={headline!r},
                             body="Two night bus routes will run past the library until the exams end.",
                             status="draft")
story.set_hashtags([Hashtag.objects.get(slug="library")])
story.status = "published"
story.published_at = timezone.now()
story.save()
print(json.dumps(time.time()))
"""


@pytest.mark.live
@needs_varnish
def test_a_story_published_reaches_the_real_listings_and_feed_through_the_proxy_within_a_second(site):
    pages = ["/en/", "/en/tags/library/", "/en/feeds/stories.rss", "/ko/"]
    for path in pages:
        status, headers, _ = get(site.proxy, path)
        assert status == 200, path
        assert_shared(headers, path)
        assert "Night buses added" not in cached_twice(site, path)

    headline = "Night buses added for exam weeks"
    committed = json.loads(site_python(site.env, PUBLISH.format(slug=SLUG, headline=headline)))

    for path in pages:
        seen = wait_for_text(site.proxy, path, headline)
        assert seen - committed < VISIBLE_WITHIN_SECONDS, path


@pytest.mark.live
@needs_varnish
def test_a_story_edit_reaches_the_real_story_page_and_home_page_through_the_proxy_within_a_second(site):
    cached_twice(site, STORY_PATH)
    cached_twice(site, "/en/")

    committed = json.loads(site_python(site.env, EDIT.format(slug=SLUG, headline="Mapo library opens until 1 a.m.")))

    for path in (STORY_PATH, "/en/"):
        assert wait_for_text(site.proxy, path, "Mapo library opens until 1 a.m.") - committed < VISIBLE_WITHIN_SECONDS


CHANGE = {
    "correction": """
import json, time
from django.utils import timezone
from articles.models import Correction, Story
Correction.objects.create(story=Story.objects.get(slug={slug!r}), published_at=timezone.now(), text={text!r})
print(json.dumps(time.time()))
""",
    "outlet": """
import json, time
from articles.models import Outlet
outlet = Outlet.objects.get(stories__slug={slug!r})
outlet.name = {text!r}
outlet.save()
print(json.dumps(time.time()))
""",
    "hashtag": """
import json, time
from articles.models import Hashtag
hashtag = Hashtag.objects.get(slug="library")
hashtag.name = {text!r}
hashtag.save()
print(json.dumps(time.time()))
""",
}


@pytest.mark.live
@needs_varnish
@pytest.mark.parametrize(
    ("change", "text", "pages"),
    [
        ("correction", "An earlier version gave the wrong closing hour.", [STORY_PATH, "/en/corrections/"]),
        ("outlet", "Han River Herald Weekend", [STORY_PATH, "/en/"]),
        ("hashtag", "Libraries", [STORY_PATH, "/en/tags/"]),
    ],
)
def test_what_a_story_page_shows_beside_the_story_reaches_it_through_the_proxy_within_a_second(
    site, change, text, pages
):
    """A correction, the outlet's name, a hashtag's name: each moves its stories' pages (articles/receivers.py),
    and the proxy drops them with the commit's BAN."""
    for path in pages:
        assert text not in cached_twice(site, path)

    committed = json.loads(site_python(site.env, CHANGE[change].format(slug=SLUG, text=text)))

    for path in pages:
        assert wait_for_text(site.proxy, path, text) - committed < VISIBLE_WITHIN_SECONDS, path
