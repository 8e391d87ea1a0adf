from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: backups and restores, the load balancer's health probes, the request log."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from django.core.signals import request_finished

        from .logs import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="operations.forget_request_id")
