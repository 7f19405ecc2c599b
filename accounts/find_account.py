""" "Find my account" on the public host (issue 16): a person who forgot their account's address
types an e-mail and receives one mail listing every account where that address is an active user,
with the account's Min konto address. The page answers the same whether or not the address has a
user, so it tells nobody which addresses exist; the mail goes only to the address typed in.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from accounts.mailer import mail_send
from accounts.models import Account
from accounts.users.models import User
from core.links import account_url


class FindAccountForm(forms.Form):
    # EmailField refuses an overlong or malformed address; a NUL byte never reaches the form
    # (config/bad_input.py answers 400 first).
    email = forms.EmailField(label=_("E-mail"), max_length=254)


def accounts_for(email: str) -> list[dict[str, str]]:
    """Name and Min konto address of every customer account where `email` is an active user."""
    email = email.strip().lower()
    found = []
    for account in Account.objects.customers().order_by("name", "id"):
        with tenant_context(account):
            if User.objects.filter(email__iexact=email, is_active=True).exists():
                found.append({"name": account.name, "url": account_url(account)})
    return found


def find_account_mail(email: str, language: str) -> int:
    """Mail the accounts of `email` to that address in `language`; nothing when there are none.
    Returns how many accounts were listed."""
    entries = accounts_for(email)
    if entries:
        mail_send(to=email.strip().lower(), template="find_account", language=language, context={"entries": entries})
    return len(entries)
