from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app needs once (state transitions and their reactions, the support-access
    guard, the one audit trail). At the bottom of the dependency graph: core imports no app of
    the project."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The audit trail is a personal-data source (the rows a person made), for the privacy desk.
        from core import audit_source  # noqa: F401
