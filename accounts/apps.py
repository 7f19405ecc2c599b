from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # What this app holds about a person (login records and invitations), for the privacy
        # desk; and the account state machine's audit reaction, registered before any transition.
        # And how its steps read in the one audit trail (core.audit).
        from accounts import audit_labels, lifecycle, personal_data  # noqa: F401
