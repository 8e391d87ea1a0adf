from django.apps import AppConfig


class ResilienceConfig(AppConfig):
    name = "resilience"
    verbose_name = "Resilience"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .sqlite_file import note_file_identity

        connection_created.connect(note_file_identity, dispatch_uid="resilience.note_file_identity")
