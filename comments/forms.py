"""The "Leave a Comment" form, the form that edits a comment, the report form, and the forms of a
commenter's data (comments/commenter_data.py)."""

import time

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from articles.forms import CleanTextFormMixin, HttpURLFormField, VisibleEmailFormField
from articles.text import drop_unpaired_bidi, is_blank

from .models import Comment, CommentReport

FORM_SALT = "comments.form"


def form_token(story_id, now=None):
    """A signed note of which story the form was shown for, and when (`now`, a Unix time; default the clock's).

    Not in the page's HTML, which the caches share: the form's script asks `views.form_values` for it
    when the visitor starts on the form, and a form sent without it comes back with one (README "Caching").
    """
    return signing.dumps({"story": story_id, "shown": int(now if now is not None else time.time())}, salt=FORM_SALT)


class CommentTextField(forms.CharField):
    """Text whose line breaks count once: browsers send CRLF but count one character."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


EMPTY_COMMENT = _("Write a comment before sending.")


def cleaned_comment_text(value, empty_message=EMPTY_COMMENT):
    """A comment's text as stored: stripped; ValidationError(`empty_message`) when nothing visible is left."""
    text = value.strip()
    if is_blank(text):
        raise forms.ValidationError(empty_message, code="required")
    return text


def comment_text_field():
    """The comment's text field, with the limit the model has: the same in a new comment and in an edit."""
    return CommentTextField(
        label=_("Comment"),
        max_length=Comment._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class DescribedErrorsMixin:
    def describe_errors(self):
        """Point each invalid field at its error messages, for screen readers."""
        for name, errors in self.errors.items():
            # A hidden field's errors are shown in the summary only: there is nothing to point at.
            if name not in self.fields or self.fields[name].widget.is_hidden:
                continue
            bound = self[name]
            ids = [f"error_{number}_{bound.auto_id}" for number in range(1, len(errors) + 1)]
            if self.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = " ".join(ids)
            attrs["aria-invalid"] = "true"


class CommentForm(CleanTextFormMixin, DescribedErrorsMixin, forms.Form):
    """A visitor's comment. Every text field is cleaned first (`CleanTextFormMixin`): control
    characters go, and text with nothing visible (U+200B alone) is empty, with the same message."""

    def describe_errors(self):
        """As DescribedErrorsMixin does, and mark each invalid widget `is-invalid` (Bootstrap)."""
        super().describe_errors()
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                attrs = self.fields[name].widget.attrs
                classes = attrs.get("class", "").split()
                attrs["class"] = " ".join([*classes, "is-invalid"] if "is-invalid" not in classes else classes)

    text = comment_text_field()
    author_name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    author_email = VisibleEmailFormField(
        label=_("Email"),
        max_length=254,
        help_text=_("Never shown. Used to recognise you and to contact you about your comment."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    author_url = HttpURLFormField(
        label=_("Website"), required=False, max_length=200, widget=forms.URLInput(attrs={"autocomplete": "url"})
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."), required=False
    )
    notify = forms.BooleanField(
        label=_("Tell me when someone replies"),
        required=False,
        help_text=_(
            "Replies in this conversation by e-mail, gathered into one message, and a note when your comment "
            "is published. We first e-mail you a link to confirm your address; every e-mail has a link to stop them."
        ),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    token = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form could not be checked. Your comment is kept: please send it again."),
        },
    )
    # Hidden from people (off-screen, not focusable); robots that fill every field fill it.
    fax_number = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, story, **kwargs):
        self.story = story
        self.shown_at = None
        super().__init__(*args, **kwargs)
        # Bootstrap's classes on the widgets (templates/comments/_comment_fields.html lays them out).
        for field in self.fields.values():
            if not field.widget.is_hidden:
                css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
                field.widget.attrs["class"] = css

    def clean_token(self):
        max_age = settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600
        try:
            data = signing.loads(self.cleaned_data["token"], salt=FORM_SALT, max_age=max_age)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was open too long and has expired. Your comment is kept: please send it again."),
                code="expired",
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form could not be checked. Your comment is kept: please send it again."), code="tampered"
            ) from None
        if not isinstance(data, dict) or data.get("story") != self.story.pk or not isinstance(data.get("shown"), int):
            raise forms.ValidationError(
                _("This form belongs to another story. Your comment is kept: please send it again."), code="tampered"
            )
        self.shown_at = data["shown"]
        return self.cleaned_data["token"]

    def clean_text(self):
        return cleaned_comment_text(self.cleaned_data["text"])

    def clean_author_name(self):
        # An unpaired override (U+202E) would reverse whatever follows the name where it is shown.
        name = " ".join(drop_unpaired_bidi(self.cleaned_data["author_name"]).split())
        if is_blank(name):
            raise forms.ValidationError(_("Give a name to sign your comment with."), code="required")
        return name

    def seconds_to_post(self, now=None):
        if self.shown_at is None:
            return None
        return (now if now is not None else time.time()) - self.shown_at

    def renew_token(self):
        """A fresh token for a form shown again (expired or tampered ones are replaced).

        Dated as if shown a moment ago: the visitor wrote the draft already, and
        sending it again at once must not look like a robot's speed.
        """
        data = self.data.copy()
        data["token"] = form_token(self.story.pk, now=time.time() - settings.COMMENTS_MIN_SECONDS)
        self.data = data

    def forget_parent(self):
        """Show the form again as a new comment: the comment it answered is gone."""
        data = self.data.copy()
        data["parent"] = ""
        self.data = data


EMPTY_EDIT = _("A comment cannot be empty. To take it down, withdraw it instead.")


class EditCommentForm(CleanTextFormMixin, DescribedErrorsMixin, forms.Form):
    """Its author's new text for a comment: the same field, limits and cleaning as a new comment's
    (control characters go, text with nothing visible is empty)."""

    text = comment_text_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = EMPTY_EDIT
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_text(self):
        return cleaned_comment_text(self.cleaned_data["text"], EMPTY_EDIT)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"), choices=CommentReport.Reason.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def plain_helper():
    """A crispy helper for a form whose <form> tag and CSRF token the template writes."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class DataRequestForm(CleanTextFormMixin, DescribedErrorsMixin, forms.Form):
    """The address whose comments a visitor asks for (the link goes to it)."""

    email = VisibleEmailFormField(
        label=_("Email"),
        max_length=254,
        help_text=_("The address you commented or asked for reply notifications with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = plain_helper()


class EraseForm(DescribedErrorsMixin, forms.Form):
    """The second step of an erasure: the commenter confirms."""

    confirm = forms.BooleanField(
        label=_("I understand that my comments cannot be brought back."),
        error_messages={"required": _("Tick the box to confirm that your comments should be erased.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = plain_helper()
