"""Form fields and form bases shared by the apps."""

import json

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget, prose_editor_admin_media, prose_editor_js
from js_asset import Media, Script

from .models import HTTP_URL
from .rich_text import clean_body_html, validate_body_length
from .text import clean_control_characters, is_blank, limit_combining_marks, visible_text

# The body editor's tools (django-prose-editor 0.28 extensions): exactly the body format of
# articles/rich_text.py, so the editor offers nothing the cleaner would take out (a test compares
# the editor's own allowlist with ALLOWED_TAGS). Image is the photo of our library placed in a body
# (static/js/story_body_editor.js gives it the photo's id and the "Insert photo" button); the form
# refuses an image from elsewhere.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Image": True,
    "History": True,
    # On by default in the package: it turns the browser's spelling checker off. Reporters want it.
    "NoSpellCheck": False,
}


class HttpURLFormField(forms.URLField):
    """A URL a reader can follow: http or https; one clear error for anything else."""

    default_validators = [HTTP_URL]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def validate(self, value):
        """Refuse an address with invisible characters (U+200B…): it would look like another one."""
        super().validate(value)
        refuse_invisible(value)


class StoryBodyEditorWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget, started by static/js/story_body_editor.js (its "newsroom"
    preset) rather than the package's "configurable" one, which is the same but for Tiptap's inline
    `<style>` element: the site's policy refuses it, so static/css/story_body_editor.css carries
    those rules. Scripts and styles come from static/ (the package's own files and ours), no CDN.

    The media carries the package's import map, an inline script: the story admin renders it with
    a nonce (`StoryAdmin.render_change_form`).
    """

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            js=[prose_editor_js, Script("js/story_body_editor.js", type="module")],
            css={"all": ["css/story_body_editor.css"]},
        )


def photo_picker_attribute():
    """The body editor's "Insert photo" (static/js/story_body_editor.js): the textarea's `data-photo-picker`
    value, JSON with the address of the photo library's search (`PhotoAdmin.picker_view`) and the
    dialog's words in the active language (str)."""
    labels = {
        "button": gettext("Insert photo"),
        "title": gettext("Insert a photo from the library"),
        "search": gettext("Search the photo library"),
        "help": gettext(
            "Words of the caption, the alternative text or the credit. Choose a photo to place it at the cursor."
        ),
        "loading": gettext("Looking for photos…"),
        "failed": gettext("The photo library could not be searched. Try again."),
        "cancel": gettext("Cancel"),
    }
    return json.dumps({"url": reverse("admin:photos_photo_picker"), "labels": labels}, ensure_ascii=False)


class StoryBodyFormField(ProseEditorFormField):
    """A story body: edited with django-prose-editor (`StoryBodyEditorWidget`), the submitted HTML
    cleaned to the body format (`articles.rich_text.clean_body_html`) before it is validated, so an
    editor's empty `<p></p>` is an empty, required field."""

    def __init__(self, **kwargs):
        kwargs["config"] = {"extensions": BODY_EDITOR_EXTENSIONS}
        kwargs["preset"] = "newsroom"  # the widget's data attribute: data-django-prose-editor-newsroom
        kwargs["widget"] = StoryBodyEditorWidget
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        validate_body_length(value)  # before cleaning, whose time grows faster than the length
        return clean_body_html(value)


class VisibleEmailFormField(forms.EmailField):
    """An e-mail address with nothing invisible in it: `x@spam\u200b.example` looks like
    `x@spam.example` and would slip past a blocked domain. Refused with a message (the other
    fields of the form, a comment's text, come back as they were sent)."""

    def validate(self, value):
        super().validate(value)
        refuse_invisible(value)


def refuse_invisible(value):
    """Raise ValidationError (code "invisible") when `value` (a str) holds a character that draws
    nothing (`articles.text.visible_text`): an address that would look like another one."""
    if value and visible_text(value) != value:
        raise forms.ValidationError(
            _("This address contains invisible characters. Type it again without them."), code="invisible"
        )


def clean_text_input(value):
    """A submitted text value as a form should see it: controls cleaned, at most
    `MAX_COMBINING_MARKS` combining marks on a base character, nothing visible → "".

    NUL is left in, for Django's own validator to refuse the field ("Null characters are not
    allowed."), as the importer refuses a file with one: no one types it, it marks binary data.
    """
    if not isinstance(value, str):
        return value
    value = "\x00".join(clean_control_characters(part) for part in value.split("\x00"))
    value = limit_combining_marks(value)
    return "" if is_blank(value) else value


class CleanTextFormMixin:
    """Cleans the submitted value of every text field (CharField and its kinds) before validation.

    Control characters go (`articles.text.clean_control_characters`) and a value with
    nothing visible becomes "", so the field's own checks treat it as empty: a required
    field answers "This field is required." for U+200B alone as for nothing at all.
    Put it first among a form's bases; every admin form of ours uses `CleanTextModelForm`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.cleaned_text_data()

    def cleaned_text_data(self):
        data = self.data.copy()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or field.disabled:
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            if hasattr(data, "setlist"):
                data.setlist(key, [clean_text_input(value) for value in data.getlist(key)])
            else:
                data[key] = clean_text_input(data[key])
        return data


class CleanTextModelForm(CleanTextFormMixin, forms.ModelForm):
    """The base of every admin form of ours (see `CleanTextAdminMixin` in articles.admin)."""
