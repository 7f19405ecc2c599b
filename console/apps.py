from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The staff console: one page per customer, a global search and today's queue. It sits at
    the top of the layering (it reads every app); nothing imports it."""

    name = "console"
    verbose_name = _("Console")
