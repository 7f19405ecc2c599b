from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The GDPR desk: requests, consents, processing records (public schema)."""

    name = "privacy"
    verbose_name = _("Privacy desk")

    def ready(self) -> None:
        # The desk's own personal-data sources (core.personal_data); and its answers to the
        # mailer's question through core.hooks: may a marketing mail go to this address.
        from privacy import hooks, sources  # noqa: F401
