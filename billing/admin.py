"""Staff admin of the seller's books. Issued documents are read-only here (the database refuses
changes anyway); corrections are made with a credit note."""

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from billing.admin_tax import EuroVatMissingFilter, TaxAlertsMixin, WaitingFilter
from billing.models import (
    BillingProfile,
    CreditNote,
    CustomDelivery,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
    Invoice,
    SellerProfile,
    VatRate,
)
from billing.selectors import documents_csv, documents_in_period
from billing.services.common import BillingError
from billing.services.corrections import credit_note_issue, invoice_remaining
from billing.services.deliveries import custom_delivery_record
from billing.services.status import document_mark_paid
from billing.tax import LineInput, lines_compute
from core import hooks
from core.transitions import IllegalTransition


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    """Versioned: a change is saved as a new version; old versions stay as they were."""

    list_display = ["legal_name", "vat_number", "valid_from", "created_by"]
    readonly_fields = ["created_by"]

    def has_delete_permission(self, request: HttpRequest, obj: SellerProfile | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SellerProfile, form: forms.ModelForm, change: bool) -> None:
        # Never overwrite a version documents were issued under: save the edit as a new row.
        obj.pk = None
        obj.created_by = request.user.email
        super().save_model(request, obj, form, False)


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["country", "rate", "valid_from"]
    list_filter = ["country"]


@admin.register(BillingProfile)
class BillingProfileAdmin(admin.ModelAdmin):
    list_display = ["account", "company", "name", "country", "vat_number", "vat_status", "vies_checked_at"]
    list_filter = ["vat_status", "country"]
    search_fields = ["company", "name", "vat_number", "account__name"]
    readonly_fields = [f.name for f in BillingProfile._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the Owner enters them in Min konto (BIL-8), through the VAT checks


class LineInline(admin.TabularInline):
    model = DocumentLine
    extra = 0
    fields = ["position", "description", "quantity", "unit_price", "net_amount", "vat_rate", "vat_amount"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False


@admin.action(description=_("Export selected documents as CSV for the accountant"))
def export_csv(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> HttpResponse:  # type: ignore[no-untyped-def]
    response = HttpResponse(documents_csv(queryset.order_by("kind", "sequence")), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="documents.csv"'
    return response


@admin.action(description=_("Mark selected invoices as paid"))
def mark_paid(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:  # type: ignore[no-untyped-def]
    """A bank transfer arrived: issued → paid. Every other move is refused by the invoice's state
    machine, with its reason, and leaves that invoice as it was."""
    paid = 0
    for document in queryset.order_by("sequence"):
        try:
            document_mark_paid(document=document, actor=request.user.email)
        except IllegalTransition as exc:
            messages.error(request, f"{document}: {exc.message}")
        else:
            paid += 1
    if paid:
        messages.success(
            request,
            ngettext("%(count)d invoice marked as paid.", "%(count)d invoices marked as paid.", paid) % {"count": paid},
        )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


class CreditForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to credit (excl. VAT)"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Leave empty to credit everything that remains."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


def _credit_check(form: CreditForm, invoice: Document) -> None:
    """The service's own refusals, before the confirmation page rather than after it."""
    remaining = invoice_remaining(invoice)
    amount = form.cleaned_data["amount"]
    if invoice.kind != DocumentKind.INVOICE or invoice.status not in (DocumentStatus.ISSUED, DocumentStatus.PAID):
        form.add_error(None, gettext("Only an issued invoice can be credited."))
    elif amount is not None and amount > remaining:
        form.add_error(
            "amount",
            gettext(
                "The credit note (%(requested)s %(currency)s) is larger than what remains of the invoice (%(remaining)s %(currency)s)."
            )
            % {
                "requested": number_format(amount, 2),
                "remaining": number_format(remaining, 2),
                "currency": invoice.currency,
            },
        )


def _credit_totals(invoice: Document, amount: Decimal | None) -> dict[str, Decimal | str]:
    """What a credit note for `amount` (None: all that remains) would carry, before it is issued:
    the invoice's own VAT rate, negative amounts, as `credit_note_issue` computes them."""
    remaining = invoice_remaining(invoice)
    if amount is None and remaining == invoice.net_total:
        net, vat = -invoice.net_total, -invoice.vat_total
    else:
        credited = remaining if amount is None else amount
        totals = lines_compute(
            lines=[LineInput("", Decimal("1"), -credited)],
            rate=invoice.vat_rate or Decimal("0"),
            currency=invoice.currency,
        )
        net, vat = totals.net, totals.vat
    return {
        "net": net,
        "vat": vat,
        "gross": net + vat,
        "rate": invoice.vat_rate or Decimal("0"),
        "currency": invoice.currency,
    }


class DocumentAdmin(TaxAlertsMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "account",
        "status",
        "waiting_for",
        "issued_at",
        "net_total",
        "vat_total",
        "gross_total",
        "currency",
    ]
    list_filter = ["status", WaitingFilter, "tax_treatment", "currency", EuroVatMissingFilter, "account"]
    search_fields = ["number", "account__name", "account__slug"]
    date_hierarchy = "issued_at"
    list_select_related = ["account"]
    actions = [export_csv]
    inlines = [LineInline]
    exclude = ["seller", "buyer"]

    def get_readonly_fields(self, request: HttpRequest, obj: Document | None = None) -> list[str]:
        fields = [f.name for f in Document._meta.fields if f.name not in ("seller", "buyer")]
        return [*fields, "seller_", "buyer_", "einvoice_"]

    @admin.display(description=_("seller"))
    def seller_(self, obj: Document) -> str:
        return ", ".join(f"{k}: {v}" for k, v in obj.seller.items() if v)

    @admin.display(description=_("buyer"))
    def buyer_(self, obj: Document) -> str:
        return ", ".join(f"{k}: {v}" for k, v in obj.buyer.items() if v)

    @admin.display(description=_("e-invoice"))
    def einvoice_(self, obj: Document) -> str:
        """BIL-14: the delivery status and the failed rules, from the e-invoicing app."""
        info = hooks.document_einvoice(obj, for_staff=True)
        if not info:
            return "—"
        status = info.get("delivery_status_label", "")
        rules = ", ".join(info.get("rule_ids", []))
        text = " · ".join(part for part in (status, rules) if part) or "—"
        if not info.get("admin_url"):
            return text
        return format_html('{} · <a href="{}">{}</a>', text, info["admin_url"], gettext("Open the e-invoice"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # documents are issued by services, numbered in one place

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False  # BIL-11: immutable once issued; corrections by credit note

    def has_delete_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False

    def get_urls(self):  # type: ignore[no-untyped-def]
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name=f"{prefix}_export"),
            path("<int:pk>/credit/", self.admin_site.admin_view(self.credit_view), name=f"{prefix}_credit"),
        ] + super().get_urls()

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """A period's documents as CSV for the accountant."""
        form = PeriodForm(request.GET or None)
        if form.is_valid():
            start: date = form.cleaned_data["start"]
            end: date = form.cleaned_data["end"]
            docs = documents_in_period(start=start, end=end).filter(kind__in=self.kinds)
            response = HttpResponse(documents_csv(docs), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="documents-{start}-{end}.csv"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": gettext("Export a period as CSV"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "billing/admin/form.html", context)

    def credit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = get_object_or_404(Document, pk=pk)
        form = CreditForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            _credit_check(form, invoice)
        if request.method == "POST" and form.is_valid() and request.POST.get("confirmed") != "yes":
            # The credit note's amounts are shown first; only the confirmation issues it.
            amount = form.cleaned_data["amount"] or None
            context = {
                **self.admin_site.each_context(request),
                "form": form,
                "invoice": invoice,
                "totals": _credit_totals(invoice, amount),
                "title": gettext("Credit invoice %(number)s") % {"number": invoice.number},
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "billing/admin/credit_confirm.html", context)
        if request.method == "POST" and form.is_valid():
            try:
                note = credit_note_issue(
                    invoice=invoice,
                    amount=form.cleaned_data["amount"] or None,
                    reason=form.cleaned_data["reason"],
                    actor=request.user.email,
                )
            except (BillingError, IllegalTransition) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, gettext("Credit note %(number)s issued.") % {"number": note.number})
                return redirect("admin:billing_creditnote_change", note.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": gettext("Credit invoice %(number)s") % {"number": invoice.number},
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "billing/admin/form.html", context)

    kinds: tuple[str, ...] = ()


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    kinds = ("invoice",)
    actions = [export_csv, mark_paid]
    change_form_template = "billing/admin/invoice_change_form.html"


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    kinds = ("credit_note",)


class CustomDeliveryForm(forms.ModelForm):
    class Meta:
        model = CustomDelivery
        fields = ["account", "description", "price", "currency", "agreed_on"]


@admin.register(CustomDelivery)
class CustomDeliveryAdmin(admin.ModelAdmin):
    """BIL-13: deliveries agreed by e-mail; each becomes a one-off line on the next invoice."""

    form = CustomDeliveryForm
    list_display = ["account", "description", "price", "currency", "agreed_on", "recorded_by", "invoice"]
    list_filter = ["currency"]
    list_select_related = ["account", "invoice"]

    def has_change_permission(self, request: HttpRequest, obj: CustomDelivery | None = None) -> bool:
        return obj is None or obj.invoice_id is None

    def has_delete_permission(self, request: HttpRequest, obj: CustomDelivery | None = None) -> bool:
        return obj is None or obj.invoice_id is None

    def save_model(self, request: HttpRequest, obj: CustomDelivery, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = custom_delivery_record(
            account=obj.account,
            description=obj.description,
            price=obj.price,
            currency=obj.currency,
            agreed_on=obj.agreed_on,
            actor=request.user.email,
        )
        obj.pk = created.pk
        obj.recorded_at, obj.recorded_by = created.recorded_at, created.recorded_by
