from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: backups and restores, the load balancer's health probes, the request log, the
    deploy checks of its settings (operations.checks)."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from django.core.signals import request_finished

        from . import checks  # noqa: F401 - registers the checks
        from .logs import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="operations.forget_request_id")
