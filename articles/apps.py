from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Stories")

    def ready(self):
        from . import converters, receivers, revisions  # noqa: F401 - page-version receivers, revision registry

        # Before any URLconf is read: comments' URLs use them too.
        converters.register()
