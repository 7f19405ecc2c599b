"""Min konto: the archived XML of a document, for the account's Owner (and Admins, who see its
documents, ACC-9 / BIL-8), served exactly as stored and checked against its hash (BIL-14)."""

from django.http import Http404, HttpRequest, HttpResponse

from billing.selectors import account_documents
from billing.views import documents_required
from einvoicing.archive import archived_xml
from einvoicing.models import EInvoice

SYNTAXES = ("ubl", "cii")


def xml_response(einvoice: EInvoice, syntax: str) -> HttpResponse:
    if syntax not in SYNTAXES or not einvoice.is_valid:
        raise Http404
    try:
        data = archived_xml(einvoice, syntax)
    except ValueError as exc:  # a stored XML that no longer matches its hash is never served
        raise Http404 from exc
    response = HttpResponse(data, content_type="application/xml")
    name = f"{einvoice.document.number}-{syntax}.xml" if syntax == "ubl" else f"{einvoice.document.number}-factur-x.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@documents_required
def document_xml(request: HttpRequest, pk: int, syntax: str) -> HttpResponse:
    # Only this account's documents: another account's id is a 404, not a 403.
    document = account_documents(account=request.tenant).filter(pk=pk).first()
    einvoice = EInvoice.objects.filter(document=document).select_related("document").first() if document else None
    if einvoice is None:
        raise Http404
    return xml_response(einvoice, syntax)
