vcl 4.1;

# Varnish (Debian's varnish 7.1) in front of Newsroom's gunicorn instances (README "Caching proxy").
#
# - Caches what Django says a shared cache may keep (Cache-Control public with s-maxage or
#   max-age), for s-maxage; anything private, no-store, no-cache, with Set-Cookie or without
#   Cache-Control goes through to Django every time.
# - What Django is told of the request is Varnish's, never the visitor's: X-Forwarded-Proto says
#   which listener it came in on (https for the TLS terminator's, named tls), X-Request-ID is a
#   new id for each request, sent back on the answer (hits too) and logged by Django on a miss.
# - A reader with a personal cookie (session, messages, the comment form's cookies) is passed
#   through with every cookie; for everyone else the cookies are taken off the cache lookup,
#   since a page that says public does not depend on them (csrftoken, analytics).
# - Stale copies: served for the page's stale-while-revalidate while a fresh one is fetched in
#   the background, and for up to a day while no gunicorn instance answers its health probe.
# - Invalidation: Django sends `BAN` with `X-Newsroom-Ban: <story ids> [listings]` after each
#   commit that changed what pages show (articles/purge.py); each page names the stories it shows
#   in `X-Newsroom-Stories`, listing pages add the word `listings`. `BAN` with `all`, and `PURGE`
#   of one URL, are there for operators. Only addresses in the ACL newsroom_purgers may do either.
#
# What differs from one site to another (the gunicorn instances, who may purge) is in
# newsroom-site.vcl, found on varnishd's vcl_path: `make stack` writes its own beside its work
# folder (scripts/stack.py); production edits a copy of deploy/varnish/newsroom-site.vcl.

import directors;
import std;

# Each instance is healthy while it answers /healthz: the process answers, whatever the database
# does (README "Health probes"). A probe of /readyz or of a page would call every instance dead during
# a database outage, and Varnish would answer with its own error page instead of Django's 503, which
# keeps a commenter's text, and stop serving what Django still serves (README "When things fail").
# Three failures in a row (1.5 s after a crash) take an instance out of the rotation; a loaded
# instance has 2 s to answer each probe.
probe newsroom_probe {
    .request =
        "GET /healthz HTTP/1.1"
        "Host: 127.0.0.1"
        "User-Agent: Varnish health probe"
        "Connection: close";
    .interval = 0.5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

include "newsroom-site.vcl";

sub vcl_recv {
    set req.backend_hint = newsroom.backend();
    call vcl_req_host;
    # A restart (vcl_hit, vcl_purge) keeps what the first pass set.
    if (req.restarts == 0) {
        call newsroom_request_headers;
    }

    # A fragment is not part of an HTTP request target (RFC 9112 section 3.2), and a letter or digit
    # written %XX is the same address as the plain one (RFC 3986 section 2.3: producers should not
    # make them; browsers never do, in paths or forms). Django would decode both into a path the
    # rules below did not see (`/%72eadyz` is /readyz); a Korean slug's bytes (%80 and up) pass.
    if (req.url ~ "#|%(3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa])") {
        return (synth(400, "Bad Request"));
    }

    if (req.method == "BAN" || req.method == "PURGE") {
        if (client.ip !~ newsroom_purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.method == "PURGE") {
            return (purge);
        }
        call newsroom_ban;
    }

    # Set by vcl_hit below when a stale copy is past its stale-while-revalidate: look again, taking
    # no stale copy, so this reader waits for a fresh one. Never taken from a client.
    if (req.restarts > 0 && req.http.X-Newsroom-Refresh) {
        set req.grace = 0s;
    }

    # Campaign parameters change nothing on a page: one cached copy whatever a link carried. The
    # names are the page cache's (articles/page_cache.py TRACKING_PARAMETER); a test keeps them in step.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga)(=[^&]*)?(&|$)", "");
        set req.url = regsub(req.url, "[?&]$", "");
    }

    # Readiness names what is failing inside (in the log only, but it costs queries): this machine's
    # own, as the purges are.
    if (req.url ~ "(?i)^/readyz([/?#]|$)" && client.ip !~ newsroom_purgers) {
        return (synth(403, "Forbidden"));
    }

    # Comments, logins, admin forms: never cached, sent as they came, cookies and all.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)" || req.http.Authorization) {
        return (pass);
    }
    # The cookies that make a page personal, as the page cache reads them (articles/page_cache.py
    # is_personal): Django's session and messages, and every cookie of ours (newsroom_…: a
    # commenter's own comments, saved name, edit secrets); a test keeps this rule in step.
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|messages|newsroom_[A-Za-z0-9_]*)=") {
        return (pass);
    }
    # Anyone else: the lookup is made without cookies. They are kept aside and given back to Django
    # when the page turns out to be one that is not cached (vcl_backend_fetch).
    if (req.http.Cookie) {
        set req.http.X-Newsroom-Cookie = req.http.Cookie;
        unset req.http.Cookie;
    }
    return (hash);
}

# Headers Django believes, replaced whatever the visitor sent:
# - X-Forwarded-Proto: "https" for a request that came in on the listener named tls (varnishd
#   `-a tls=127.0.0.1:6086,PROXY`, for the TLS terminator on this machine), "http" for any other.
#   Django reads it with DJANGO_BEHIND_HTTPS_PROXY=1 (SECURE_PROXY_SSL_HEADER), gunicorn too.
# - X-Request-ID: this request's VXID (`varnishlog -q 'vxid == 32770'`) and a random number, so that
#   ids do not repeat after a restart or across proxies. Django logs it with a miss or a pass
#   (operations.logs accepts it as sane); vcl_deliver and vcl_synth send it back.
# - X-Newsroom-Refresh, X-Newsroom-Purged: this VCL's own notes across a restart.
sub newsroom_request_headers {
    if (local.socket == "tls") {
        set req.http.X-Forwarded-Proto = "https";
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    set req.http.X-Request-ID = req.xid + "-" + std.integer(real=std.random(0, 2147483647));
    unset req.http.X-Newsroom-Refresh;
    unset req.http.X-Newsroom-Purged;
}

# BAN: `X-Newsroom-Ban: 12 40 listings` drops every cached page that shows story 12 or 40, or is
# a listing; `all` drops everything. The test reads only the object (obj.http.*), so the ban
# lurker can apply it in the background as well as at lookup time.
sub newsroom_ban {
    if (req.http.X-Newsroom-Ban == "all") {
        ban("obj.status != 0");
        return (synth(200, "Banned everything"));
    }
    if (req.http.X-Newsroom-Ban !~ "^(listings|[0-9]+)( (listings|[0-9]+))*$") {
        return (synth(400, "X-Newsroom-Ban takes story ids and the word listings, separated by spaces, or all"));
    }
    # No space inside the regular expression: the ban's arguments are separated by spaces.
    if (std.ban("obj.http.X-Newsroom-Stories ~ (^|\s)(" + regsuball(req.http.X-Newsroom-Ban, " ", "|") + ")(\s|$)")) {
        return (synth(200, "Banned"));
    }
    return (synth(400, std.ban_error()));
}

# A page is kept once per scheme: an https page carries https addresses, and with DJANGO_SSL_REDIRECT
# the http one is a redirect (not kept, so it would make the https one pass for a minute). The
# built-in vcl_hash adds the URL and the host.
sub vcl_hash {
    hash_data(req.http.X-Forwarded-Proto);
}

# PURGE takes the copy of both schemes: the other one is purged on a restart.
sub vcl_purge {
    if (!req.http.X-Newsroom-Purged) {
        set req.http.X-Newsroom-Purged = "1";
        if (req.http.X-Forwarded-Proto == "https") {
            set req.http.X-Forwarded-Proto = "http";
        } else {
            set req.http.X-Forwarded-Proto = "https";
        }
        return (restart);
    }
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    # Past its s-maxage: while no instance answers, any copy kept for the outage (beresp.grace below).
    if (!std.healthy(req.backend_hint)) {
        return (deliver);
    }
    # Within the page's stale-while-revalidate: this copy now, a fresh one fetched in the background.
    if (obj.ttl + std.duration(obj.http.X-Newsroom-SWR + "s", 0s) > 0s) {
        return (deliver);
    }
    set req.http.X-Newsroom-Refresh = "1";
    return (restart);
}

sub vcl_backend_fetch {
    # A pass (personal, or a page found earlier not to be cached): Django gets the cookies it was sent.
    if (bereq.uncacheable && bereq.http.X-Newsroom-Cookie) {
        set bereq.http.Cookie = bereq.http.X-Newsroom-Cookie;
    }
    unset bereq.http.X-Newsroom-Cookie;
    unset bereq.http.X-Newsroom-Refresh;
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.status >= 500) {
        # A background refresh that failed keeps the copy being served; a miss is not remembered.
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        set beresp.ttl = 1s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Only what Django says a shared cache may keep: Varnish's own default would keep a response
    # without Cache-Control for two minutes. Anything else is a hit-for-pass for a minute: those
    # requests go straight to Django, with their cookies.
    if (!beresp.http.Cache-Control
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Set-Cookie
        || beresp.http.Vary == "*"
        || beresp.ttl <= 0s) {
        return (pass(60s));
    }
    # beresp.ttl is s-maxage (else max-age) and beresp.grace the stale-while-revalidate, as Varnish
    # reads them; the copy is kept a day longer for outages, and vcl_hit keeps to the page's own
    # stale-while-revalidate while an instance answers.
    set beresp.http.X-Newsroom-SWR = beresp.grace;
    set beresp.grace = 24h;
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    # No answer at all (an instance that died, refused or cut the connection): a GET goes to the next
    # instance, up to three times (other requests move the round robin on meanwhile). Never a POST:
    # the instance may have stored the comment before it died.
    if ((bereq.method == "GET" || bereq.method == "HEAD") && bereq.retries < 3) {
        return (retry);
    }
}

sub vcl_deliver {
    # This request's id (newsroom_request_headers), not that of the render that filled the cache.
    set resp.http.X-Request-ID = req.http.X-Request-ID;
    # For the ban lurker only: readers need not know which stories a page shows.
    unset resp.http.X-Newsroom-Stories;
    unset resp.http.X-Newsroom-SWR;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "pass";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}

sub vcl_synth {
    set resp.http.X-Request-ID = req.http.X-Request-ID;
}
