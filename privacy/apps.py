from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The GDPR desk: requests, consents, processing records (public schema)."""

    name = "privacy"
    verbose_name = _("Privacy desk")
