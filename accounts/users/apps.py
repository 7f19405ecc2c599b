from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    """People who log in. Installed in both schemas: staff in the public schema, each account's
    own team in that account's schema."""

    name = "accounts.users"
    label = "users"
    verbose_name = _("Users")
