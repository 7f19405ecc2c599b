"""Min konto: invoices and credit notes (Owner and Admins), billing details (Owner only, BIL-8)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Account
from accounts.permissions import MANAGE_BILLING, SEE_DOCUMENTS, owner_or_admin_required, owner_required
from accounts.users.models import Role
from billing.forms import BillingProfileForm
from billing.history import billing_history
from billing.pdf import PdfMissing, document_pdf_bytes
from billing.selectors import account_documents, billing_profile_of
from billing.services.common import BillingError
from billing.services.corrections import billing_details_apply_to_last_invoice, reissue_window
from billing.services.held import held_documents, held_documents_issue
from billing.services.profiles import billing_profile_update
from billing.waiting import WaitingFor

View = Callable[..., HttpResponse]


# ACC-9 / BIL-8: invoices for the Owner and Admins; billing details only for the Owner.
documents_required = owner_or_admin_required(refusal=SEE_DOCUMENTS)
billing_owner_required = owner_required(refusal=MANAGE_BILLING)


@documents_required
def minkonto(request: HttpRequest) -> HttpResponse:
    account = request.tenant
    return render(
        request,
        "billing/minkonto/index.html",
        {
            "account": account,
            # BIL-17: invoices, credit notes and payments in one list, 25 to a page.
            "history": billing_history(account=account, page=request.GET.get("page")),
            "profile": billing_profile_of(account=account),
            "is_owner": request.user.role == Role.OWNER,
            "identifiers_wanted": _identifiers_wanted(account),
        },
    )


@billing_owner_required
def details(request: HttpRequest) -> HttpResponse:
    account = request.tenant
    profile = billing_profile_of(account=account)
    form = BillingProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            billing_profile_update(account=account, actor=request.user.email, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None if hasattr(exc, "error_dict") else "vat_number", exc)
        else:
            messages.success(request, _("Your billing details were saved."))
            # BIL-14: the invoices that waited for these details are issued now, and e-mailed.
            for invoice in held_documents_issue(account=account, actor=request.user.email):
                messages.success(request, _("Invoice %(number)s was issued.") % {"number": invoice.number})
            return redirect("billing:details")
    return render(
        request,
        "billing/minkonto/details.html",
        {
            "form": form,
            "profile": profile,
            "window": reissue_window(account=account),
            "identifiers_wanted": _identifiers_wanted(account),
        },
    )


def _identifiers_wanted(account: Account) -> bool:
    """BIL-14: an invoice, paid already, waits for the Slovak company's IČO and DIČ."""
    return held_documents(waiting_for=WaitingFor.IDENTIFIERS, account=account).exists()


@require_POST
@billing_owner_required
def reissue(request: HttpRequest) -> HttpResponse:
    try:
        credit, invoice = billing_details_apply_to_last_invoice(
            account=request.tenant, actor=request.user.email, invoice_id=_int_or_none(request.POST.get("invoice"))
        )
    except BillingError as exc:
        messages.error(request, exc.message)
        return redirect("billing:details")
    messages.success(
        request,
        _("Invoice %(old)s was cancelled by credit note %(credit)s and re-issued as invoice %(new)s.")
        % {"old": credit.credited_invoice.number, "credit": credit.number, "new": invoice.number},
    )
    return redirect("billing:minkonto")


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


@documents_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    # Only this account's documents: another account's id is a 404, not a 403.
    document = account_documents(account=request.tenant).filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        data = document_pdf_bytes(document)
    except PdfMissing:
        messages.error(request, _("The PDF is being prepared. Try again in a minute."))
        return redirect("billing:minkonto")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    return response
