from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "photos"
    verbose_name = _("Photos")

    def ready(self):
        from . import receivers  # noqa: F401 - a deleted photo takes its files with it
