"""The story workflow: draft → in review → scheduled/published, who may move a story where, and its log.

Roles (README "Roles"): a reporter (`submit_story`, no `publish_story`) keeps a story in draft or
sends it for review; an editor (`publish_story`) puts it anywhere, publishing or scheduling it.
A story published with a publication time still to come is scheduled; it turns public at that time.
"""

from django.utils import timezone
from django.utils.html import format_html

from .models import Story, StoryStatusChange


def may_publish(user):
    """True when `user` publishes and schedules stories: the `articles.publish_story` permission."""
    return user.has_perm("articles.publish_story")


def statuses_for(user):
    """The statuses `user` may give a story, as a list of Story.Status values (draft always)."""
    allowed = [Story.Status.DRAFT]
    if may_publish(user) or user.has_perm("articles.submit_story"):
        allowed.append(Story.Status.IN_REVIEW)
    if may_publish(user):
        allowed.append(Story.Status.PUBLISHED)
    return allowed


def admin_time(moment):
    """`<time>` with `moment` (aware) in the admin's current zone (TIME_ZONE): 2026-11-03 10:30 KST."""
    local = timezone.localtime(moment)
    shown = f"{local:%Y-%m-%d %H:%M %Z}"
    return format_html('<time datetime="{}">{}</time>', local.isoformat(timespec="seconds"), shown)


def to_second(moment):
    """`moment` (aware datetime or None) without its microseconds: the admin form sends whole seconds."""
    return moment.replace(microsecond=0) if moment is not None else None


def record_status_change(story, old_status, old_published_at, user, when=None):
    """Log the move of `story` from `old_status` ("" when new) if its status or publication time changed.

    A published story whose publication time moved is logged too (it was rescheduled). `user` is
    the one who did it; `when` (aware, default now) the time. Returns the StoryStatusChange or None.
    """
    moved = old_status != story.status
    rescheduled = story.status == Story.Status.PUBLISHED and to_second(old_published_at) != to_second(
        story.published_at
    )
    if not (moved or rescheduled):
        return None
    return StoryStatusChange.objects.create(
        story=story,
        old_status=old_status or "",
        new_status=story.status,
        published_at=story.published_at,
        changed_by=user,
        changed_at=when or timezone.now(),
    )
