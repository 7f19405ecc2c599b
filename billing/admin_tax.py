"""Staff admin of the tax side (BIL-15, BIL-16): exchange rates, the seller's registrations
outside the EU, the threshold checks, and the alerts shown as a banner on the billing lists."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.models import ExchangeRate, TaxRegistration, TaxThresholdCheck
from billing.services.common import BillingError
from billing.services.held import held_documents
from billing.services.rates import exchange_rate_clean, exchange_rate_enter
from billing.thresholds import tax_alerts
from billing.waiting import WaitingFor


class TaxAlertsMixin:
    """BIL-15/BIL-16: the alerts staff must act on, as a banner on the billing lists."""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        for alert in tax_alerts():
            messages.warning(request, format_html('{} <a href="{}">{}</a>', alert.text, alert.url, gettext("Open")))
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "day", "per_eur"]

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                exchange_rate_clean(currency=data["currency"], day=data["day"], per_eur=data["per_eur"])
            except BillingError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(ExchangeRate)
class ExchangeRateAdmin(TaxAlertsMixin, admin.ModelAdmin):
    """ECB reference rates for the euro VAT line of documents in other currencies (Art. 230,
    BIL-16): imported daily; staff may enter a missing one (never for a day still to come)."""

    form = ExchangeRateForm
    list_display = ["currency", "day", "per_eur", "source", "entered_by"]
    list_filter = ["currency", "source"]
    date_hierarchy = "day"

    def has_change_permission(self, request: HttpRequest, obj: ExchangeRate | None = None) -> bool:
        return False  # issued documents state the rate they used; a new day gets a new row

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: forms.ModelForm, change: bool) -> None:
        created = exchange_rate_enter(currency=obj.currency, day=obj.day, per_eur=obj.per_eur, actor=request.user.email)
        obj.pk, obj.source, obj.entered_by = created.pk, created.source, created.entered_by


class TaxRegistrationForm(forms.ModelForm):
    class Meta:
        model = TaxRegistration
        fields = ["regime", "number", "valid_from"]
        help_texts = {
            "number": _("Printed on every invoice the regime applies to (VOEC 1234567, or the GB VAT number)."),
        }


@admin.register(TaxRegistration)
class TaxRegistrationAdmin(TaxAlertsMixin, admin.ModelAdmin):
    """BIL-15: the registration switch per regime; from `valid_from` on, that country's
    consumers are charged its VAT. A registration without its number is refused."""

    form = TaxRegistrationForm
    list_display = ["regime", "number", "valid_from", "created_by", "created_at"]
    list_filter = ["regime"]

    def has_change_permission(self, request: HttpRequest, obj: TaxRegistration | None = None) -> bool:
        return False  # dated rows: a change is a new registration, documents name the old one

    def has_delete_permission(self, request: HttpRequest, obj: TaxRegistration | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TaxRegistration, form: forms.ModelForm, change: bool) -> None:
        obj.created_by = request.user.email
        super().save_model(request, obj, form, change)


@admin.register(TaxThresholdCheck)
class TaxThresholdCheckAdmin(TaxAlertsMixin, admin.ModelAdmin):
    """What the daily job `billing_tax_thresholds` found (BIL-15)."""

    list_display = ["day", "regime", "sales", "currency", "threshold", "registered", "alert"]
    list_filter = ["regime", "alert"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TaxThresholdCheck | None = None) -> bool:
        return False


class WaitingFilter(admin.SimpleListFilter):
    """BIL-14/BIL-16: drafts held back, by what they wait for (the ECB rate of their tax point,
    the buyer's identifiers)."""

    title = _("waiting for")
    parameter_name = "waiting"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("any", _("anything")), *WaitingFor.choices]

    def queryset(self, request: HttpRequest, queryset):  # type: ignore[no-untyped-def]
        if self.value() in ("any", *WaitingFor.values):
            reason = "" if self.value() == "any" else self.value()
            return queryset.filter(pk__in=held_documents(waiting_for=reason).values("pk"))
        return queryset


class EuroVatMissingFilter(admin.SimpleListFilter):
    title = _("VAT in EUR")
    parameter_name = "vat_eur"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("missing", _("missing"))]

    def queryset(self, request: HttpRequest, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "missing":
            return queryset.exclude(currency="EUR").exclude(vat_total=0).filter(vat_total_eur__isnull=True)
        return queryset
