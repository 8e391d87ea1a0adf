"""Posting a comment, its author editing or withdrawing it, following a comment's permalink, reporting
a comment; the confirmation and unsubscribe links of reply notifications; the privacy page."""

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Story, story_is_public
from articles.page_address import show_page_at

from .commenter_data import DATA_LINK_HOURS
from .cookies import (
    AUTHOR_COOKIE_DAYS,
    edit_key_for,
    edit_secrets,
    forget_author,
    new_edit_secret,
    own_comment_ids,
    remember_edit_secret,
    remember_own_comment,
    save_author,
)
from .editing import (
    FORM_PROBLEMS,
    edit_comment,
    edit_refusal,
    editing_closed,
    is_staff_author,
    minutes_left,
    withdraw_comment,
)
from .forms import CommentForm, EditCommentForm, ReportForm, form_token
from .models import Comment, CommentReport
from .posting import Refusal, client_ip, client_key, submit_comment
from .status import change_status
from .subscriptions import confirm, may_be_mailed, subscriber_to_confirm, unsubscribe
from .threads import NEWEST_FIRST, OLDEST_FIRST, ORDER_PARAMETER, comment_order, page_of_comment


def comment_location(comment, own_ids=(), order=OLDEST_FIRST):
    """The story page's address that shows `comment`: its comment page with threads in `order`, at its anchor."""
    page = page_of_comment(comment, per_page=settings.COMMENTS_PER_PAGE, own_ids=own_ids, order=order)
    query = {"cpage": page} if page > 1 else {}
    if order == NEWEST_FIRST:
        query[ORDER_PARAMETER] = NEWEST_FIRST
    return f"{comment.story.get_absolute_url()}{'?' if query else ''}{urlencode(query)}#comment-{comment.pk}"


def story_page_with_form(request, story, form, status):
    """The story page again, with the rejected form: the visitor's text, the reasons.

    Shown at the POST address, but every link on it is the story page's own.
    """
    show_page_at(request, story.get_absolute_url())
    if "token" in form.errors:
        # Expired, tampered with or missing: the draft is sent again with a token that works.
        form.renew_token()
        if form.has_error("token", "required") and form.non_field_errors():
            # Sent without it (no JavaScript, the shared page has none): the message above says what to do.
            del form.errors["token"]
    form.describe_errors()
    return render(request, "articles/story_detail.html", {"story": story, "comment_form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request, slug):
    """POST: store a comment or show the form again with the reasons. GET, HEAD: to the story.

    A GET comes from an address bar that still shows the POST address after a refusal, or
    from a link made from it before the page's links were the story's own: 301, since this
    address never shows a page, and crawlers that picked it up should replace it with the
    story's. Browsers keep a 301 for GET only, so posting is untouched. The query is kept
    (`?replytocom=`, `?cpage=`), decoded and encoded again.
    """
    if request.method != "POST":
        url = reverse("articles:story", kwargs={"slug": slug})
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    story = get_object_or_404(Story.objects.published().for_page(), slug=slug)
    form = CommentForm(request.POST, story=story)
    if not form.is_valid():
        return story_page_with_form(request, story, form, status=400)
    edit_secret = new_edit_secret()
    try:
        comment = submit_comment(
            story=story,
            form=form,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            user=request.user,
            edit_key=edit_key_for(edit_secret),
        )
    except Refusal as refusal:
        if refusal.code == "parent":
            form.forget_parent()
        # A moderation rule's reason: the form's summary adds how to appeal (the privacy page).
        form.refused = refusal.code == "refused"
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return story_page_with_form(request, story, form, status=refusal.status)

    own_ids = [*own_comment_ids(request), comment.pk]
    response = redirect(comment_location(comment, own_ids))
    response.status_code = 303
    # Approved or held, the browser remembers its comment: held, to show it to its writer; either way,
    # its next pages are rendered for it (a personal cookie), not taken from a cache as they were before.
    remember_own_comment(request, response, comment.pk)
    if settings.COMMENTS_EDIT_MINUTES > 0:
        remember_edit_secret(request, response, comment.pk, edit_secret)
    if form.cleaned_data.get("remember"):
        save_author(response, form.cleaned_data)
    else:
        forget_author(response)
    return response


def comment_to_change(request, pk):
    """(comment, edit secret or None) for its author's edit and withdraw pages: the comment at `pk` on a
    published story, with its story and outlet. 404 for a comment the visitor may not see (held, spam
    or removed) unless this browser posted it: a stranger learns nothing of a comment not public."""
    comment = get_object_or_404(Comment.objects.select_related("story__outlet").filter(story_is_public()), pk=pk)
    secret = edit_secrets(request).get(comment.pk)
    if secret is None and not comment.is_public and not is_staff_author(comment, request.user):
        raise Http404
    return comment, secret


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    """`/comments/<id>/edit/`: its author's form for a new text, prefilled (GET), saved (POST, then 303
    to the comment). Refused, the page says why at the status the refusal has (403 not yours or too
    late, 409 moderated or gone) and shows the text that was sent, to copy: nothing typed is lost."""
    comment, secret = comment_to_change(request, pk)
    now = timezone.now()
    refusal = edit_refusal(comment, secret=secret, user=request.user, now=now) or editing_closed(
        comment.story, request.user, now
    )
    posted = request.method == "POST"
    form = EditCommentForm(request.POST if posted else None, initial={"text": comment.text})
    status = refusal.status if refusal else 200
    if posted and refusal is None:
        status = 400
        if form.is_valid():
            try:
                edit_comment(
                    comment,
                    text=form.cleaned_data["text"],
                    secret=secret,
                    ip_address=client_ip(request),
                    user=request.user,
                    now=now,
                )
            except Refusal as error:
                status = error.status
                if error.code in FORM_PROBLEMS:
                    form.add_error(error.field, error.message)
                else:
                    refusal = error
            else:
                return after_edit(request, comment)
        form.describe_errors()
    context = {
        "comment": comment,
        "form": form,
        "refusal": refusal,
        "kept_text": form.data.get("text", "") if posted and refusal else "",
        "minutes_left": minutes_left(comment, now),
        "zone": comment.story.outlet.zone,
    }
    return render(request, "comments/edit.html", context, status=status)


def after_edit(request, comment):
    """The 303 to the edited comment, with what became of the edit; a comment that went back to the
    queue stays shown to its author (the own-comments cookie)."""
    own_ids = [*own_comment_ids(request), comment.pk]
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Your comment was updated."))
    else:
        messages.info(request, _("Your edit was saved. Your comment appears once a moderator has read it."))
    response = redirect(comment_location(comment, own_ids))
    response.status_code = 303
    if comment.status != Comment.Status.APPROVED:
        remember_own_comment(request, response, comment.pk)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, pk):
    """`/comments/<id>/withdraw/`: GET asks its author to confirm, POST removes the comment (logged as
    withdrawn by its author; replies by others stay) and goes back to the comments (303)."""
    comment, secret = comment_to_change(request, pk)
    now = timezone.now()
    refusal = edit_refusal(comment, secret=secret, user=request.user, now=now)
    if request.method == "POST" and refusal is None:
        # Where it was: its page of the comments, worked out while it is still shown.
        location = comment_location(comment, own_comment_ids(request)).split("#")[0] + "#comments"
        try:
            withdraw_comment(comment, secret=secret, user=request.user, now=now)
        except Refusal as error:
            refusal = error
        else:
            messages.success(request, _("Your comment was withdrawn. It is no longer shown."))
            response = redirect(location)
            response.status_code = 303
            return response
    context = {"comment": comment, "refusal": refusal, "minutes_left": minutes_left(comment, now)}
    return render(request, "comments/withdraw.html", context, status=refusal.status if refusal else 200)


@never_cache
@require_safe
def form_values(request, slug):
    """The comment form's values for this visitor, as JSON: the CSRF token (its cookie is set with
    this answer) and the signed time of the form, dated now. `private, no-store`.

    The story page is shared by every reader (browsers, a proxy, the page cache), so it carries
    neither: the form's script asks here when the visitor first focuses the form, or at the latest
    before it is sent (static/js/comment_form.js). A same-origin GET: another site's page can send
    it but cannot read the answer, as it could not read the token in a page (README "Caching").
    404 for a story readers cannot see.
    """
    story = get_object_or_404(Story.objects.published().only("pk"), slug=slug)
    return JsonResponse({"csrfmiddlewaretoken": get_token(request), "token": form_token(story.pk)})


def permalink(request, pk):
    """`/comments/<id>/`: the story page that shows the comment, at the comment; with threads newest
    first for `?comments=newest` (an editor's pick links here so when the reader sorts so)."""
    own_ids = own_comment_ids(request)
    comment = get_object_or_404(
        Comment.objects.visible_to(own_ids).select_related("story").filter(story_is_public()), pk=pk
    )
    return redirect(comment_location(comment, own_ids, comment_order(request.GET.get(ORDER_PARAMETER))))


@require_http_methods(["GET", "POST"])
def report(request, pk):
    comment = get_object_or_404(
        Comment.objects.approved().select_related("story").filter(story_is_public(), erased_at__isnull=True),
        pk=pk,
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                CommentReport.objects.create(
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    reporter_key=client_key(f"report:{comment.pk}", client_ip(request)),
                )
                Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
                comment.refresh_from_db(fields=["report_count", "status", "erased_at"])
                # Erased meanwhile (its reports went with its data): nothing to send back to the queue.
                if comment.erased_at is None and comment.report_count >= settings.COMMENTS_REPORTS_TO_HOLD:
                    # What held it, for the queue and the moderators' e-mail (they show the comment's rule).
                    comment.rule, comment.reason = "reader_reports", f"{comment.report_count} readers' reports"
                    Comment.objects.filter(pk=comment.pk).update(rule=comment.rule, reason=comment.reason)
                    # A rule, not a moderator: the status module has the moderators e-mailed.
                    change_status(
                        comment,
                        Comment.Status.PENDING,
                        reason=f"reported {comment.report_count} times, back to the queue",
                    )
        except IntegrityError:
            messages.info(request, _("You have already reported this comment. Thank you."))
        else:
            messages.success(request, _("Thank you. A moderator will look at this comment."))
        return redirect(reverse("articles:story", kwargs={"slug": comment.story.slug}) + "#comments")
    return render(request, "comments/report.html", {"comment": comment, "form": form})


# The links in notification e-mails work without a login. A GET only shows a page with a button:
# mail scanners and link previews fetch links, and must not confirm or unsubscribe anyone.
TOKEN_MAX_LENGTH = 200


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_notifications(request, token):
    """GET: the confirmation page of a signed link (400 when it is altered or expired). POST: confirm
    the address (again: says it was confirmed already)."""
    subscriber = subscriber_to_confirm(token) if len(token) <= TOKEN_MAX_LENGTH else None
    context = {"days": settings.COMMENTS_CONFIRMATION_DAYS}
    if subscriber is None:
        return render(request, "comments/confirm_notifications.html", {**context, "state": "invalid"}, status=400)
    if request.method == "POST":
        state = "confirmed" if confirm(subscriber) else "already_confirmed"
    else:
        state = "already_confirmed" if subscriber.is_confirmed else "ask"
    return render(request, "comments/confirm_notifications.html", {**context, "state": state})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_notifications(request, token):
    """GET: the unsubscribe page, with its button. POST: stop every notification to the address: the
    page's button, or a mail program's one-click POST (RFC 8058: `List-Unsubscribe=One-Click`, no
    cookie, so no CSRF check; the token is the secret). Idempotent: an unknown token or a second POST
    answers 200, "you are unsubscribed"."""
    token = token[:TOKEN_MAX_LENGTH]
    if request.method == "POST":
        unsubscribe(token)
        state = "unsubscribed"
    else:
        state = "ask" if may_be_mailed(token) else "unsubscribed"
    return render(request, "comments/unsubscribe.html", {"state": state})


def privacy(request):
    """`/privacy/`: what the site keeps about readers, commenters and subscribers, for how long (the
    numbers come from the settings that enforce them), how to download or erase one's comments, and how
    to appeal a moderation decision."""
    context = {
        "keep_ip_days": settings.COMMENTS_KEEP_IP_DAYS,
        "held_visible_hours": settings.COMMENTS_HELD_VISIBLE_HOURS,
        "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
        "author_cookie_days": AUTHOR_COOKIE_DAYS,
        "confirmation_every_hours": settings.COMMENTS_CONFIRMATION_EVERY_HOURS,
        "confirmation_days": settings.COMMENTS_CONFIRMATION_DAYS,
        "appeals_email": settings.COMMENTS_APPEALS_EMAIL,
        "data_link_hours": DATA_LINK_HOURS,
        "data_link_minutes": settings.COMMENTS_DATA_LINK_EVERY_MINUTES,
    }
    return render(request, "comments/privacy.html", context)
