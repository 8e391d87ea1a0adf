from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from articles import page_cache

        from . import receivers, wordpress  # noqa: F401 - connects the import and page-version receivers
        from .cookies import AUTHOR_COOKIE, EDIT_COOKIE, OWN_COMMENTS_COOKIE
        from .forms import form_token
        from .moderation import comments_state
        from .quiet_hours import quiet_hours_state
        from .threads import NEWEST_FIRST, OLDEST_FIRST, ORDER_PARAMETER, comment_order

        # The comment form's signed time is fresh on every cached page; visitors with comment
        # cookies see their own held comments, their saved name or "Edit" on their own comments,
        # so no cache for them.
        page_cache.register_fresh_value(
            "token",
            lambda request, story_id: form_token(story_id),
            personal_cookies={OWN_COMMENTS_COOKIE, AUTHOR_COOKIE, EDIT_COOKIE},
        )
        # Comments close by themselves after a while: a page cached before must not keep the form.
        page_cache.register_key_part(comments_state)
        # With NEWSROOM_COMMENTS_OUTSIDE_HOURS=close, the form closes and opens with the time of day.
        page_cache.register_key_part(quiet_hours_state)
        # Oldest or newest first (`?comments=newest`): each order is its own cached page; any other
        # value shows, and so shares, the oldest-first page.
        page_cache.register_query_parameter(ORDER_PARAMETER, comment_order, values=(OLDEST_FIRST, NEWEST_FIRST))
