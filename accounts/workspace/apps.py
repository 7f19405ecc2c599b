from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """Tables that exist only inside an account's schema."""

    name = "accounts.workspace"
    label = "workspace"
    verbose_name = _("Account workspace")
