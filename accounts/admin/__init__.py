"""The accounts admin, split by concern."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import account, beat, lifetime, lockout, records  # noqa: F401 - registers the model admins

admin.site.empty_value_display = _("(none)")
