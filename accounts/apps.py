from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # What this app holds about a person (login records and invitations), for the privacy
        # desk; and the account state machine's audit reaction, registered before any transition.
        # And how its steps read in the one audit trail (core.audit).
        # The host cache's invalidation (signals and a reaction to every status move).
        from accounts import audit_labels, host_cache, lifecycle, personal_data  # noqa: F401
