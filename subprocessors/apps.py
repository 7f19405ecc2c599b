from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubprocessorsConfig(AppConfig):
    """The public sub-processor registry and policy texts (public schema)."""

    name = "subprocessors"
    verbose_name = _("Sub-processors")

    def ready(self) -> None:
        # What this app holds about a person (notice subscriptions), for the privacy desk; and
        # the SUB-5 guard every staff entry into an account goes through (core.support_access);
        # and the audit rows of objection and DPA-request moves (core.transitions reactions).
        from subprocessors import access, audit, personal_data  # noqa: F401
