"""The story admin's revision pages: history (django-reversion's), diff, restore, autosave, presence, conflicts.

`StoryRevisionsAdminMixin` goes among the bases of `StoryAdmin`; everything about revisions in the
admin lives here, so the story admin itself stays about stories (README "Revisions").
"""

from contextlib import contextmanager

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin

from . import revisions
from .forms import clean_text_input
from .models import Story
from .text import clean_stored_text

CONFLICT_MESSAGE = _(
    "%(user)s saved this story at %(time)s, after you opened it. Your text is below and nothing is "
    "saved yet: compare with their version in the history, then save again to replace it with yours."
)


def with_version_token(base):
    """A subclass of the ModelForm class `base` that carries the version of the story it opened.

    Its clean() refuses to save over a story saved by someone else since (a non-field error); the
    refused form then carries the newer token, so saving again is a deliberate overwrite.
    """

    class VersionTokenForm(base):
        opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                self.initial.setdefault("opened_version", revisions.version_token(self.instance))

        def clean(self):
            cleaned = super().clean()
            opened = cleaned.get("opened_version")
            if self.instance.pk is None or not opened:
                return cleaned
            current = Story.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
            if current is not None and current.isoformat() != opened:
                last = revisions.story_versions(self.instance.pk).first()
                user = last.revision.user if last and last.revision.user else None
                data = self.data.copy()
                data[self.add_prefix("opened_version")] = current.isoformat()
                self.data = data
                raise ValidationError(
                    CONFLICT_MESSAGE,
                    code="conflict",
                    params={
                        "user": user.get_username() if user else _gettext("Someone"),
                        "time": localize(timezone.localtime(current)),
                    },
                )
            return cleaned

    VersionTokenForm.__name__ = base.__name__
    return VersionTokenForm


class StoryRevisionsAdminMixin(VersionAdmin):
    """Revisions of stories in admin: every save a revision, history with diffs, restore, autosave, presence."""

    object_history_template = "admin/articles/story/object_history.html"

    class Media:
        js = ["js/story_autosave.js"]

    # --- what a revision holds --------------------------------------------------------------

    @contextmanager
    def create_revision(self, request):
        """A revision by `request.user` filled by hand in save_related(), once everything is saved.

        reversion's default adds the story when it is saved, following its hashtag links and
        corrections as they are then, before the inlines are saved: a hashtag removed in the same
        save would stay in the revision and come back on restore.
        """
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            yield

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if reversion.is_active():
            reversion.add_to_revision(form.instance)

    # --- form: the version token of the story the editor opened --------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = with_version_token(kwargs.get("form", self.form))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": list(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and "opened_version" not in fieldsets[0][1]["fields"]:
            fieldsets[0][1]["fields"].append("opened_version")
        return fieldsets

    # --- pages --------------------------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        info = opts.app_label, opts.model_name
        own = [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{info[0]}_{info[1]}_compare",
            ),
            path(
                "<path:object_id>/autosave/",
                self.admin_site.admin_view(require_POST(self.autosave_view)),
                name=f"{info[0]}_{info[1]}_autosave",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change form, warning of the other editors who have this story open now.

        Only a user who may change this story is noted as editing it and gets the autosave notice
        (whose script does nothing without it): one who may only view it edits nothing.
        """
        story = Story.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        may_change = story is not None and self.has_change_permission(request, story)
        if request.method == "GET" and may_change:
            editors = revisions.note_presence(int(object_id), request.user)
            now = timezone.now()
            for user_id, (name, opened, _seen) in editors.items():
                if user_id == request.user.pk:
                    continue
                minutes = int((now - opened).total_seconds() // 60)
                messages.warning(
                    request,
                    ngettext(
                        "%(name)s opened this story %(minutes)d minute ago and is still editing it.",
                        "%(name)s opened this story %(minutes)d minutes ago and is still editing it.",
                        minutes,
                    )
                    % {"name": name, "minutes": minutes},
                )
        extra_context = {**(extra_context or {})}
        if may_change:
            extra_context["autosave_url"] = reverse("admin:articles_story_autosave", args=[object_id])
            extra_context["autosave_seconds"] = revisions.AUTOSAVE_SECONDS
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        """After a save the editor has left the form (unless they go on editing it): no more warnings of them."""
        revisions.forget_presence(obj.pk, request.user)
        return super().response_change(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        """reversion's history of the story, each revision with a link to its diff against the current text."""
        versions = list(revisions.story_versions(object_id)) if object_id.isdigit() else []
        for index, version in enumerate(versions):
            version.previous_id = versions[index + 1].pk if index + 1 < len(versions) else None
        extra_context = {
            **(extra_context or {}),
            "story_versions": versions,
            "compare_url": reverse("admin:articles_story_compare", args=[object_id]),
        }
        return super().history_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore: the change form filled with a revision (GET), saved as a new revision (POST).

        In place of reversion's view, which deletes what the story follows now and the revision did
        not hold: corrections published since would go. The restore is written inside a transaction
        that is rolled back unless the editor's save succeeds (`revisions.restore_version`).
        """
        object_id = unquote(object_id)
        version = get_object_or_404(revisions.story_versions(object_id), pk=version_id) if version_id else None
        context = {
            "title": _("Restore “%(story)s”") % {"story": version.object_repr},
            "revert": True,
            **(extra_context or {}),
        }
        with transaction.atomic():
            revisions.restore_version(version)
            with self.create_revision(request):
                response = self.changeform_view(request, quote(object_id), request.path, context)
                if request.method == "POST" and response.status_code == 302:
                    reversion.set_comment(
                        _gettext("Restored the version of %(date)s")
                        % {"date": localize(timezone.localtime(version.revision.date_created))}
                    )
                    return response
            # A look at the revision, or a refused form: show it and keep nothing.
            if hasattr(response, "render"):
                response.template_name = "reversion/revision_form.html"
                response.render()
            transaction.set_rollback(True)
        return response

    def compare_view(self, request, object_id):
        """A side-by-side diff of the text of two revisions (`from`, `to`: version ids; `to` "current" by default).

        The story is looked up among those the user may see in the admin (`get_queryset`: a
        reporter sees only their own), so another's unpublished text is a 404, as on its change page.
        """
        story = get_object_or_404(self.get_queryset(request), pk=object_id) if object_id.isdigit() else None
        if story is None:
            raise Http404
        if not self.has_view_or_change_permission(request, story):
            raise PermissionDenied
        versions = revisions.story_versions(story.pk)
        old_version = self._version_or_404(versions, request.GET.get("from"))
        to = request.GET.get("to", "current")
        if to == "current":
            new_version, new_text = None, revisions.story_text(story)
        else:
            new_version = self._version_or_404(versions, to)
            new_text = revisions.version_text(new_version)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": story,
            "title": _("Compare versions of “%(story)s”") % {"story": story},
            "old_version": old_version,
            "new_version": new_version,
            "fields": revisions.compare_texts(revisions.version_text(old_version), new_text),
            "versions": versions,
            "history_url": reverse("admin:articles_story_history", args=[story.pk]),
            "restore_url": reverse("admin:articles_story_revision", args=[story.pk, old_version.pk]),
        }
        return TemplateResponse(request, "admin/articles/story/revision_compare.html", context)

    def recoverlist_view(self, request, extra_context=None):
        """reversion's list of deleted stories, for superusers only (README "Revisions"): their
        headlines and text are nobody else's to read."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Recovering a deleted story: superusers only, as its list."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def _version_or_404(self, versions, version_id):
        if not (version_id or "").isdigit():
            raise Http404
        return get_object_or_404(versions, pk=version_id)

    def autosave_view(self, request, object_id):
        """Keep the posted text of the change form as the user's autosave of the story; note their presence.

        Answers JSON {"saved": bool, "editors": [...]}; 403 without permission to change the story,
        400 with the errors when a field is over its limit (nothing kept).
        """
        story = get_object_or_404(Story, pk=object_id) if object_id.isdigit() else None
        if story is None:
            raise Http404
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        form_class = self.get_form(request, story, change=True)
        text, errors = {}, {}
        for name, _label in revisions.TEXT_FIELDS:
            if name not in request.POST or name not in form_class.base_fields:
                continue
            field = form_class.base_fields[name]
            try:
                # As the change form would store it: submitted text cleaned, validated, cleaned for storage.
                text[name] = clean_stored_text(field.clean(clean_text_input(request.POST[name])))
            except ValidationError as error:
                errors[name] = error.messages
        editors = revisions.note_presence(story.pk, request.user)
        others = [
            {"name": name, "opened": opened.isoformat()}
            for user_id, (name, opened, _seen) in editors.items()
            if user_id != request.user.pk
        ]
        if errors:
            return JsonResponse({"saved": False, "errors": errors, "editors": others}, status=400)
        revision = revisions.save_autosave(story, text, request.user) if text else None
        return JsonResponse({"saved": revision is not None, "editors": others})
