"""A commenter's data without an account: ask for the link, open it, download, erase
(`comments.commenter_data`, `comments.erasure`).

The pages of a link are never cached, nor indexed, and other sites never get them as a Referer
(the link is the key to the data). A GET never changes anything: mail scanners open links.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .commenter_data import DATA_LINK_HOURS, BadDataLink, TooManyRequests, data_for_token, export, request_data_link
from .erasure import erase_address_data
from .forms import DataRequestForm, EraseForm
from .posting import client_ip

TOKEN_MAX_LENGTH = 300
BAD_LINK_STATUS = {"expired": 400, "invalid": 400, "gone": 410}


def private(response):
    """`response` for the owner of a link only: kept by no cache. (Other sites never see the link
    in a Referer: the site's policy is `same-origin`. `no-referrer` would make browsers send
    `Origin: null` with the erase form, which the CSRF check refuses.)"""
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def your_data(request):
    """GET: the form for an address (or, with `?sent`, what happens next). POST: ask for the link;
    the answer is the same whether or not the address ever commented (303 to `?sent`), but 400 for
    an address that is not one and 429 when this IP address asked a moment ago, with the address
    kept in the form."""
    form = DataRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                request_data_link(form.cleaned_data["email"], ip_address=client_ip(request))
            except TooManyRequests:
                message = ngettext(
                    "You asked a moment ago. Wait %(seconds)d second, then send the form again.",
                    "You asked a moment ago. Wait %(seconds)d seconds, then send the form again.",
                    settings.COMMENTS_FLOOD_SECONDS,
                ) % {"seconds": settings.COMMENTS_FLOOD_SECONDS}
                form.add_error("email", message)
                status = 429
            else:
                response = redirect(reverse("comments:your_data") + "?sent")
                response.status_code = 303
                return response
        else:
            status = 400
        form.describe_errors()
    context = {
        "form": form,
        "sent": "sent" in request.GET and request.method != "POST",
        "hours": DATA_LINK_HOURS,
        "minutes": settings.COMMENTS_DATA_LINK_EVERY_MINUTES,
    }
    return render(request, "comments/your_data.html", context, status=status)


def opened_link(request, token):
    """(AddressData, None) of the link `token`, or (None, the page that says why it opens nothing)."""
    try:
        if len(token) > TOKEN_MAX_LENGTH:
            raise BadDataLink("invalid")
        return data_for_token(token), None
    except BadDataLink as bad:
        page = render(
            request,
            "comments/your_data_link.html",
            {"state": bad.state, "hours": DATA_LINK_HOURS},
            status=BAD_LINK_STATUS[bad.state],
        )
        return None, private(page)


@never_cache
@require_http_methods(["GET", "HEAD"])
def your_data_link(request, token):
    """The page a link opens: what is stored with the address, and the download and erase buttons."""
    data, refusal = opened_link(request, token)
    if refusal:
        return refusal
    comments = data.comments()
    context = {
        "state": "open",
        "token": token,
        "hours": DATA_LINK_HOURS,
        "comment_count": comments.count(),
        "story_count": comments.values("story_id").distinct().count(),
        "subscriber": data.subscriber,
    }
    return private(render(request, "comments/your_data_link.html", context))


@never_cache
@require_http_methods(["GET", "HEAD"])
def your_data_download(request, token):
    """Everything stored with the link's address, as a JSON file to save."""
    data, refusal = opened_link(request, token)
    if refusal:
        return refusal
    now = timezone.now()
    body = json.dumps(export(data, language=get_language(), now=now), ensure_ascii=False, indent=2)
    response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
    name = f"{slugify(settings.NEWSROOM_SITE_NAME) or 'site'}-comments-{now:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return private(response)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def your_data_erase(request, token):
    """GET: what an erasure does, and the box to tick. POST: erase (400 without the box ticked)."""
    data, refusal = opened_link(request, token)
    if refusal:
        return refusal
    form = EraseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            erasure = erase_address_data(data.key)
            return private(render(request, "comments/your_data_erase.html", {"erasure": erasure, "state": "done"}))
        status = 400
        form.describe_errors()
    context = {"form": form, "token": token, "state": "ask", "comment_count": data.comments().count()}
    return private(render(request, "comments/your_data_erase.html", context, status=status))
