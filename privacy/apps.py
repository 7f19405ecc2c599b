from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The GDPR desk: requests, consents, processing records (public schema)."""

    name = "privacy"
    verbose_name = _("Privacy desk")

    def ready(self) -> None:
        # The desk's own personal-data sources (core.personal_data); and its answers to the
        # mailer's question through core.hooks: may a marketing mail go to this address.
        # And the audit row of every move of a privacy request (a core.transitions reaction).
        from privacy import audit, hooks, sources, sources_trail  # noqa: F401
