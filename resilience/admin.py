"""django-axes' access attempts in admin, with a "Clean up expired attempts" action that works.

axes 8.3.1's own action calls `AxesDatabaseHandler.clean_expired_user_attempts(request)`
directly; the handler reads `request.axes_attempt_time`, which only `AxesProxyHandler`
sets (on a login), so on an admin request the action raised AttributeError (a 500).
Here the attempt time is set first, the way axes' proxy does, and the message counts
through ngettext. Unlocking (deleting an attempt) is axes' own and unchanged.
"""

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class NewsroomAccessAttemptAdmin(AccessAttemptAdmin):
    """axes' AccessAttemptAdmin; the cleanup action removes attempts older than AXES_COOLOFF_TIME."""

    actions = ["cleanup_expired_attempts"]

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        """Delete every expired attempt (not only the selected rows, as in axes) and say how many."""
        AxesProxyHandler.update_request(request)
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d expired access attempt cleaned up.", "%(count)d expired access attempts cleaned up.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, NewsroomAccessAttemptAdmin)
