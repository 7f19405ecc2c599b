from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EinvoicingConfig(AppConfig):
    """Invoices and credit notes as structured EN 16931 data (UBL for Peppol, CII for Factur-X)."""

    name = "einvoicing"
    verbose_name = _("E-invoicing")

    def ready(self) -> None:
        # Its answers to what billing asks through core.hooks (the hybrid PDF, the delivery after
        # the PDF is stored, what Min konto and the API show), its audit labels and what it says
        # about personal data (GDPR-6).
        from einvoicing import audit_labels, hooks, personal_data  # noqa: F401
