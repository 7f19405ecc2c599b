from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EinvoicingConfig(AppConfig):
    """Invoices and credit notes as structured EN 16931 data (UBL for Peppol, CII for Factur-X)."""

    name = "einvoicing"
    verbose_name = _("E-invoicing")
