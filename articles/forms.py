"""Form fields shared by the apps."""

from django import forms

from .models import HTTP_URL


class HttpURLFormField(forms.URLField):
    """A URL a reader can follow: http or https; one clear error for anything else."""

    default_validators = [HTTP_URL]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)
