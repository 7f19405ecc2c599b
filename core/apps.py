from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app needs once (state transitions and their reactions, the support-access
    guard). At the bottom of the dependency graph: core imports no app of the project."""

    name = "core"
    verbose_name = _("Core")
