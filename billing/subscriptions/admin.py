"""Staff admin of plans, prices (BIL-4), subscriptions, charges, dunning settings (BIL-12)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from billing.subscriptions.admin_money import discontinue_confirm, prepaid_sell_view, seats_change_view
from billing.subscriptions.choices import PrepaidStatus
from billing.subscriptions.dashboard import dashboard
from billing.subscriptions.models import (
    AccountUsage,
    BillingSettings,
    Charge,
    ChargeAttempt,
    Plan,
    PlanPrice,
    PrepaidCredit,
    PriceNotice,
    Subscription,
)
from billing.subscriptions.services.prepaid import prepaid_left
from billing.subscriptions.services.prices import NOTICE_PERIOD, plan_price_schedule
from config.clock import now
from config.clock import today as clock_today


class EvidenceAdmin(admin.ModelAdmin):
    """Readable, never edited or deleted in the admin: money moved because of these rows."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanPriceInline(admin.TabularInline):
    model = PlanPrice
    extra = 0
    can_delete = False
    fields = ["effective_from", "monthly_per_agent", "annual_per_agent", "currency", "notice_sent_at", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank", "seat_limit", "is_public"]
    inlines = [PlanPriceInline]


class PlanPriceForm(forms.ModelForm):
    class Meta:
        model = PlanPrice
        fields = ["plan", "monthly_per_agent", "annual_per_agent", "effective_from"]

    def clean_effective_from(self) -> Any:
        value = self.cleaned_data["effective_from"]
        if value < now() + NOTICE_PERIOD:
            raise ValidationError(_("A price change takes effect at the earliest 30 days after the notice e-mail."))
        return value


@admin.register(PlanPrice)
class PlanPriceAdmin(admin.ModelAdmin):
    """A new price is scheduled through the service: the notice e-mails go out now (BIL-4)."""

    form = PlanPriceForm
    list_display = ["plan", "monthly_per_agent", "annual_per_agent", "currency", "effective_from", "notice_sent_at"]
    list_filter = ["plan"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PlanPrice, form: Any, change: bool) -> None:
        price = plan_price_schedule(
            plan=obj.plan,
            monthly_per_agent=obj.monthly_per_agent,
            annual_per_agent=obj.annual_per_agent,
            effective_from=obj.effective_from,
            actor=request.user.email,
        )
        obj.pk = price.pk


@admin.register(PriceNotice)
class PriceNoticeAdmin(EvidenceAdmin):
    list_display = ["price", "account", "recipient", "sent_at", "mail"]
    list_filter = ["price__plan"]
    search_fields = ["account__name", "recipient"]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(Subscription)
class SubscriptionAdmin(EvidenceAdmin):
    list_display = ["account", "plan", "seats", "cycle", "status", "period_end", "pending_plan", "pending_seats"]
    list_filter = ["status", "cycle", "plan"]
    search_fields = ["account__name", "account__slug"]
    list_select_related = ["account", "plan", "pending_plan"]
    change_list_template = "admin/subscriptions/subscription/change_list.html"
    change_form_template = "admin/subscriptions/subscription/change_form.html"

    def get_urls(self) -> list[Any]:
        site = self.admin_site
        return [
            path("dashboard/", site.admin_view(self.dashboard_view), name="subscriptions_dashboard"),
            # BIL-10 and BIL-2/3: money actions, each with a confirmation page showing the amounts.
            path(
                "<int:pk>/prepay/",
                site.admin_view(lambda request, pk: prepaid_sell_view(self, request, pk)),
                name="subscriptions_subscription_prepay",
            ),
            path(
                "<int:pk>/seats/",
                site.admin_view(lambda request, pk: seats_change_view(self, request, pk)),
                name="subscriptions_subscription_seats",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        """MRR, accounts by status, trial conversion and failed payments over a chosen period."""
        today = clock_today()
        default_start = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
        form = PeriodForm(request.GET or {"start": default_start, "end": today})
        start, end = (
            (form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_valid() else (default_start, today)
        )
        if end < start or (end - start).days > 3 * 366:
            start, end = default_start, today
        return TemplateResponse(
            request,
            "admin/subscriptions/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Subscriptions dashboard"),
                "form": form,
                "data": dashboard(start=start, end=end),
                "opts": self.model._meta,
            },
        )


class ChargeAttemptInline(admin.TabularInline):
    model = ChargeAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "succeeded", "code", "gateway_ref"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Charge)
class ChargeAdmin(EvidenceAdmin):
    list_display = [
        "created_at",
        "account",
        "kind",
        "amount",
        "currency",
        "status",
        "attempts",
        "next_retry_at",
        "invoice_number",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["account__name", "invoice_number", "gateway_ref"]
    date_hierarchy = "created_at"
    list_select_related = ["account"]
    inlines = [ChargeAttemptInline]


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = [
            "retry_days",
            "prepaid_cancellation_fee_percent",
            "shared_login_surcharge",
            "enterprise_end_users",
            "enterprise_tickets_per_agent",
        ]

    def clean_retry_days(self) -> str:
        value = self.cleaned_data["retry_days"]
        try:
            days = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise ValidationError(_("Give whole days separated by commas, e.g. 1,3,5,7,9,11,14.")) from None
        if not days or any(day < 1 or day > 60 for day in days):
            raise ValidationError(_("Each retry must fall between 1 and 60 days after the failed renewal."))
        return ",".join(str(day) for day in sorted(set(days)))


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    form = BillingSettingsForm

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not BillingSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PrepaidCredit)
class PrepaidCreditAdmin(EvidenceAdmin):
    """BIL-10: staff discontinue a prepayment on the customer's request; the refund is computed."""

    list_display = [
        "account",
        "value",
        "value_left",
        "currency",
        "seats",
        "started_at",
        "ends_at",
        "status",
        "credit_note_number",
    ]
    list_filter = ["status"]
    list_select_related = ["account"]
    actions = ["discontinue"]

    @admin.display(description=_("value left (net)"))
    def value_left(self, credit: PrepaidCredit) -> Decimal:
        return prepaid_left(credit, now()) if credit.status == PrepaidStatus.ACTIVE else Decimal("0.00")

    @admin.action(description=_("Discontinue and refund the unused value less the cancellation fee"))
    def discontinue(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        # The refunds are shown first; only the confirmation on that page refunds.
        return discontinue_confirm(self, request, queryset)


class OverThresholdFilter(admin.SimpleListFilter):
    """BIL-5: the staff list of enterprise candidates."""

    title = _("enterprise candidate")
    parameter_name = "over"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Over a threshold"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() != "yes":
            return queryset
        settings = BillingSettings.current()
        return queryset.filter(
            Q(end_users__gte=settings.enterprise_end_users)
            | Q(tickets__gte=F("agents") * settings.enterprise_tickets_per_agent)
        )


@admin.register(AccountUsage)
class AccountUsageAdmin(admin.ModelAdmin):
    list_display = ["month", "account", "end_users", "tickets", "agents", "tickets_per_agent"]
    list_filter = [OverThresholdFilter, "month"]
    search_fields = ["account__name", "account__slug"]
    list_select_related = ["account"]
