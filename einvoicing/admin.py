"""Staff admin of the e-invoice archive and deliveries (BIL-14): read-only. An e-invoice whose XML
failed validation and a rejected delivery are flagged: a list filter, and a banner on the lists
while any exists, with the rule ids and messages on the e-invoice's page; the XML downloads."""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from einvoicing.models import Delivery, DeliveryStatus, EInvoice, ValidationStatus
from einvoicing.views import xml_response


class ValidityFilter(admin.SimpleListFilter):
    title = _("validation")
    parameter_name = "validation"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("invalid", _("Failed validation")), ("valid", _("Valid"))]

    def queryset(self, request: HttpRequest, queryset):  # type: ignore[no-untyped-def]
        invalid = queryset.filter(ubl_status=ValidationStatus.INVALID) | queryset.filter(
            cii_status=ValidationStatus.INVALID
        )
        if self.value() == "invalid":
            return invalid
        if self.value() == "valid":
            return queryset.exclude(pk__in=invalid.values("pk"))
        return queryset


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # BIL-14: archived for 10 years with its document


def invalid_einvoices():  # type: ignore[no-untyped-def]
    return EInvoice.objects.exclude(ubl_status=ValidationStatus.VALID, cii_status=ValidationStatus.VALID)


def flag_banner(request: HttpRequest) -> None:
    """The staff alert: documents held back by validation, deliveries the network rejected."""
    invalid = invalid_einvoices().count()
    if invalid:
        messages.error(
            request,
            ngettext(
                "%(count)d e-invoice failed validation and was not sent: see its rule ids and messages.",
                "%(count)d e-invoices failed validation and were not sent: see their rule ids and messages.",
                invalid,
            )
            % {"count": invalid},
        )
    rejected = Delivery.objects.filter(status=DeliveryStatus.REJECTED).count()
    if rejected:
        messages.error(
            request,
            ngettext(
                "%(count)d e-invoice delivery was rejected: see the reason.",
                "%(count)d e-invoice deliveries were rejected: see the reasons.",
                rejected,
            )
            % {"count": rejected},
        )


@admin.register(EInvoice)
class EInvoiceAdmin(_ReadOnly):
    list_display = ["document", "created_at", "ubl_status", "cii_status", "rule_ids"]
    list_filter = [ValidityFilter, "ubl_status", "cii_status"]
    search_fields = ["document__number", "document__account__name"]
    list_select_related = ["document"]
    fields = ["document", "created_at", "ubl_syntax", "ubl_status", "ubl_sha256", "cii_syntax", "cii_status"]
    fields += ["cii_sha256", "findings_", "downloads"]
    readonly_fields = fields

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        flag_banner(request)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("failed rules"))
    def rule_ids(self, obj: EInvoice) -> str:
        return ", ".join(sorted({f["rule_id"] for f in obj.fatal_findings}))

    @admin.display(description=_("validation findings"))
    def findings_(self, obj: EInvoice) -> str:
        if not obj.findings:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong> ({}, {}): {} <code>{}</code></li>",
                ((f["rule_id"], f["syntax"], f["flag"], f["message"], f["location"]) for f in obj.findings),
            ),
        )

    @admin.display(description=_("download"))
    def downloads(self, obj: EInvoice) -> str:
        if not obj.is_valid:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            ((reverse("admin:einvoicing_einvoice_xml", args=[obj.pk, s]), s.upper()) for s in ("ubl", "cii")),
        )

    def get_urls(self):  # type: ignore[no-untyped-def]
        view = self.admin_site.admin_view(self.xml_view)
        return [path("<int:pk>/xml/<str:syntax>/", view, name="einvoicing_einvoice_xml"), *super().get_urls()]

    def xml_view(self, request: HttpRequest, pk: int, syntax: str) -> HttpResponse:
        return xml_response(EInvoice.objects.select_related("document").get(pk=pk), syntax)


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly):
    list_display = ["document", "channel", "status", "receiver_id", "attempts", "reason", "updated_at"]
    list_filter = ["status", "channel"]
    search_fields = ["document__number", "receiver_id", "message_id"]
    list_select_related = ["document"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        flag_banner(request)
        return super().changelist_view(request, extra_context)
