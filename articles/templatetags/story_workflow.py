"""The admin index's workflow block: stories in review and scheduled, for those who publish."""

from django import template
from django.db.models import Max, Q
from django.utils import timezone

from articles.models import Story
from articles.workflow import admin_time, may_publish

register = template.Library()
register.filter("admin_time", admin_time)

# Enough to act on from the dashboard; the changelist's "workflow" filter lists every one.
LISTED = 10


@register.inclusion_tag("admin/articles/_workflow_notice.html", takes_context=True)
def story_workflow_notice(context):
    """Stories in review (longest waiting first, with `submitted_at`) and scheduled ones (soonest first).

    Only for users with `articles.publish_story`; others get `{"shown": False}`. Times are shown in
    the admin's current zone (TIME_ZONE) by the template's `localtime`. Two queries.
    """
    if not may_publish(context["request"].user):
        return {"shown": False}
    stories = Story.objects.select_related("created_by").only(
        "headline", "status", "published_at", "created_by__username"
    )
    return {
        "shown": True,
        "in_review": list(
            stories.filter(status=Story.Status.IN_REVIEW)
            .annotate(
                submitted_at=Max(
                    "status_changes__changed_at", filter=Q(status_changes__new_status=Story.Status.IN_REVIEW)
                )
            )
            .order_by("submitted_at", "id")[:LISTED]
        ),
        "scheduled": list(
            stories.filter(status=Story.Status.PUBLISHED, published_at__gt=timezone.now()).order_by(
                "published_at", "id"
            )[:LISTED]
        ),
    }
