"""How the account's steps read in the one audit trail (core.audit), in the reader's language:
"Status changed from Trial to Active", never `status:active`."""

from django.utils.translation import gettext_lazy as _

from accounts.models import AccountStatus
from core import audit

audit.register_states("accounts.account", AccountStatus.choices)
audit.register_action_states("status", AccountStatus.choices)
audit.register_actions(
    {
        "status:*": _("Status changed from %(before)s to %(after)s"),
        "created": _("Account created"),
        "email_confirmed": _("E-mail address confirmed"),
        "breach_warning": _("Warned of a breach of the terms"),
        "reactivation_refused": _("Reactivation refused"),
        "cancellation_logged": _("Cancellation by e-mail logged"),
        "data_deleted": _("Account data deleted"),
        "inactivity_exempt": _("Exempted from deletion for inactivity"),
        "inactivity_warning": _("Warned of deletion for inactivity"),
        "limits_changed": _("Limits changed"),
        "user_invited": _("User invited"),
        "user_joined": _("User joined"),
        "user_removed": _("User removed"),
        "user_role_changed": _("User's role changed"),
        "invitation_withdrawn": _("Invitation withdrawn"),
        "shared_login_flagged": _("Shared login detected"),
        "shared_login_surcharge": _("Surcharge for a shared login set"),
        "lifetime_code_redeemed": _("Lifetime code redeemed"),
        "lifetime_code_shared": _("Lifetime code shared"),
        "billing_error": _("Billing error"),
        "charge_error": _("Charge error"),
        "enterprise_candidate": _("Flagged as an Enterprise candidate"),
    }
)
