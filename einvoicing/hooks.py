"""E-invoicing's answers to what billing asks through core.hooks (billing never imports this
app). Imported by EinvoicingConfig.ready()."""

from core import hooks
from einvoicing.pdfa import document_pdf
from einvoicing.selectors import document_einvoice, documents_einvoice
from einvoicing.tasks import document_pdf_stored

hooks.document_pdf.register(document_pdf)
hooks.document_pdf_stored.register(document_pdf_stored)
hooks.document_einvoice.register(document_einvoice)
hooks.documents_einvoice.register(documents_einvoice)
