from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: backups and restores, the load balancer's health probes, the request log."""

    name = "operations"
    verbose_name = "Operations"
