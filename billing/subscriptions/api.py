"""Staff API of plans, subscriptions (with the change preview) and payments, on /api/v1/."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.models import Account
from billing.subscriptions.forms import PlanChoiceForm
from billing.subscriptions.models import (
    AccountUsage,
    Charge,
    ChargeAttempt,
    Plan,
    PlanPrice,
    PrepaidCredit,
    Subscription,
)
from billing.subscriptions.selectors import enterprise_candidates
from billing.subscriptions.services.changes import change_apply, change_preview
from billing.subscriptions.services.prepaid import prepaid_buy, prepaid_left, prepaid_quote
from billing.subscriptions.services.refusals import SubscriptionError
from config.clock import now


class PriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanPrice
        fields = ["currency", "monthly_per_agent", "annual_per_agent", "effective_from", "notice_sent_at"]


class PlanSerializer(serializers.ModelSerializer):
    prices = PriceSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["code", "name", "rank", "seat_limit", "features", "is_public", "prices"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plans with every price version (past, current and scheduled: BIL-4)."""

    queryset = Plan.objects.prefetch_related("prices").order_by("rank")
    serializer_class = PlanSerializer
    lookup_field = "code"


class SubscriptionSerializer(serializers.ModelSerializer):
    account = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    pending_plan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "account",
            "plan",
            "seats",
            "cycle",
            "status",
            "anchor",
            "period_start",
            "period_end",
            "pending_plan",
            "pending_seats",
            "pending_cycle",
            "included_seats",
            "created_at",
        ]


class PreviewSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    effect = serializers.CharField()
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    next_period_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    period_end = serializers.DateTimeField()
    lost_features = serializers.ListField(child=serializers.CharField())
    removed_seats = serializers.IntegerField()


class ChangeSerializer(serializers.Serializer):
    """A previewed change confirmed: the preview's `at` and `amount` (BIL-2/3, BIL-10)."""

    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    seats = serializers.IntegerField(min_value=1, max_value=500)
    cycle = serializers.ChoiceField(choices=["monthly", "annual"])
    quote_at = serializers.DateTimeField()
    expected_amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class ChangeOutcomeSerializer(serializers.Serializer):
    effect = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
    payment = serializers.IntegerField(allow_null=True)


class PrepaymentRequestSerializer(serializers.Serializer):
    # min_value 0 on purpose: the service refuses 0 seats with its own message, nothing charged.
    seats = serializers.IntegerField(min_value=0, max_value=500)
    expected_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The total incl. VAT from the quote."
    )


class PrepaymentQuoteSerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class PrepaymentSerializer(serializers.ModelSerializer):
    value_left = serializers.SerializerMethodField()
    invoice_number = serializers.CharField(source="charge.invoice_number", read_only=True)

    class Meta:
        model = PrepaidCredit
        fields = [
            "id",
            "subscription",
            "value",
            "value_left",
            "currency",
            "seats_bought",
            "seats",
            "started_at",
            "ends_at",
            "status",
            "invoice_number",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_value_left(self, credit: PrepaidCredit) -> str:
        return str(prepaid_left(credit, now()))


class SubscriptionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Subscription.objects.select_related("account", "plan", "pending_plan").order_by("id")
    serializer_class = SubscriptionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", str, required=True),
            OpenApiParameter("seats", int, required=True),
            OpenApiParameter("cycle", str, required=True, enum=["monthly", "annual"]),
        ],
        responses=PreviewSerializer,
    )
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """What a change would charge now (BIL-2/3): the same calculation Min konto shows."""
        subscription = self.get_object()
        form = PlanChoiceForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        try:
            change = change_preview(subscription=subscription, at=now(), **form.cleaned_data)
        except SubscriptionError as error:
            raise ValidationError({"detail": str(error.message)}) from None
        return Response(
            PreviewSerializer(
                {
                    "at": change.at,
                    "effect": change.quote.effect,
                    "net": change.amounts.net,
                    "vat": change.amounts.vat,
                    "amount": change.amounts.gross,
                    "currency": change.amounts.currency,
                    "next_period_amount": change.next_amounts.gross,
                    "period_end": change.quote.period.end,
                    "lost_features": change.lost_features,
                    "removed_seats": change.removed_seats,
                }
            ).data
        )

    @extend_schema(request=ChangeSerializer, responses={200: ChangeOutcomeSerializer, 402: ChangeOutcomeSerializer})
    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str | None = None) -> Response:
        """Apply a previewed change with the preview's `at` and `amount`, as Min konto does: the
        amount is recomputed and must match; a running prepayment's end date moves (BIL-10)."""
        subscription = self.get_object()
        serializer = ChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            outcome = change_apply(
                subscription=subscription,
                plan=data["plan"],
                seats=data["seats"],
                cycle=data["cycle"],
                quote_at=data["quote_at"],
                expected_amount=data["expected_amount"],
                actor=request.user.email,
            )
        except SubscriptionError as error:
            raise ValidationError({"detail": str(error.message)}) from None
        body = {
            "effect": outcome.effect,
            "ok": outcome.ok,
            "message": str(outcome.message),
            "payment": outcome.charge.pk if outcome.charge else None,
        }
        return Response(ChangeOutcomeSerializer(body).data, status=200 if outcome.ok else 402)

    @extend_schema(
        parameters=[OpenApiParameter("seats", int, required=True)],
        responses=PrepaymentQuoteSerializer,
    )
    @action(detail=True, methods=["get"], url_path="prepayment/quote")
    def prepayment_quote(self, request: Request, pk: str | None = None) -> Response:
        """BIL-10: what an annual prepayment for `seats` costs now (net, VAT, total) and its end."""
        subscription = self.get_object()
        try:
            seats = serializers.IntegerField(min_value=0, max_value=500).run_validation(
                request.query_params.get("seats")
            )
            quote = prepaid_quote(subscription=subscription, seats=seats)
        except ValidationError as error:
            raise ValidationError({"seats": error.detail}) from None
        except SubscriptionError as error:
            raise ValidationError({"seats": [str(error.message)]}) from None
        amounts = quote.amounts
        body = {
            "seats": quote.seats,
            "net": amounts.net,
            "vat": amounts.vat,
            "vat_rate": amounts.rate,
            "amount": amounts.gross,
            "currency": amounts.currency,
            "starts_at": quote.starts_at,
            "ends_at": quote.ends_at,
        }
        return Response(PrepaymentQuoteSerializer(body).data)

    @extend_schema(request=PrepaymentRequestSerializer, responses={201: PrepaymentSerializer})
    @action(detail=True, methods=["post"])
    def prepayment(self, request: Request, pk: str | None = None) -> Response:
        """BIL-10: sell an annual prepayment: charged at once (the total must equal the quote's);
        seat changes then go through `change` and move its end date."""
        subscription = self.get_object()
        serializer = PrepaymentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            credit = prepaid_buy(
                subscription=subscription,
                seats=serializer.validated_data["seats"],
                expected_amount=serializer.validated_data["expected_amount"],
                actor=request.user.email,
            )
        except SubscriptionError as error:
            raise ValidationError({"detail": str(error.message)}) from None
        return Response(PrepaymentSerializer(credit).data, status=201)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChargeAttempt
        fields = ["at", "succeeded", "code", "gateway_ref"]


class PaymentSerializer(serializers.ModelSerializer):
    account = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tries = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Charge
        fields = [
            "id",
            "account",
            "subscription",
            "kind",
            "status",
            "description",
            "period_start",
            "period_end",
            "net_amount",
            "vat_amount",
            "amount",
            "currency",
            "attempts",
            "next_retry_at",
            "failure_code",
            "gateway_ref",
            "invoice_number",
            "created_at",
            "paid_at",
            "tries",
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="e.g. failed"),
            OpenApiParameter("account", str, description="slug"),
        ]
    )
)
class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    """Charges and their attempts at the processor; `?status=failed` lists dunning (BIL-12)."""

    serializer_class = PaymentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = Charge.objects.select_related("account").prefetch_related("tries").order_by("-created_at", "-id")
        if status := self.request.query_params.get("status"):
            queryset = queryset.filter(status=status)
        if account := self.request.query_params.get("account"):
            queryset = queryset.filter(account__slug=account)
        return queryset


class UsageSerializer(serializers.ModelSerializer):
    account = serializers.SlugRelatedField(slug_field="slug", queryset=Account.objects.customers())
    tickets_per_agent = serializers.DecimalField(max_digits=12, decimal_places=1, read_only=True)

    class Meta:
        model = AccountUsage
        fields = ["account", "month", "end_users", "tickets", "agents", "tickets_per_agent"]

    def validate_month(self, value):  # type: ignore[no-untyped-def]
        return value.replace(day=1)

    def create(self, validated_data):  # type: ignore[no-untyped-def]
        usage, _ = AccountUsage.objects.update_or_create(
            account=validated_data["account"],
            month=validated_data["month"],
            defaults={**validated_data, "recorded_at": now()},
        )
        return usage


class UsageViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """BIL-5: the helpdesk reports each account's month (end users, tickets, agents);
    `?over=1` lists the accounts over a staff threshold."""

    serializer_class = UsageSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return AccountUsage.objects.select_related("account").order_by("-month", "account__slug")

    @extend_schema(
        parameters=[
            OpenApiParameter("over", str, description="1: only the accounts over a staff threshold"),
            OpenApiParameter("month", OpenApiTypes.DATE, description="any day of the month (YYYY-MM-DD)"),
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        if request.query_params.get("over") and request.query_params.get("month"):
            # A malformed month (2026-99, text) is a 400 with the field named, not a 500.
            try:
                month = serializers.DateField().run_validation(request.query_params["month"])
            except ValidationError as error:
                raise ValidationError({"month": error.detail}) from None
            rows = enterprise_candidates(month=month.replace(day=1))
            return Response(UsageSerializer(rows, many=True).data)
        return super().list(request, *args, **kwargs)


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
    router.register("plans", PlanViewSet, basename="plan")
    router.register("subscriptions", SubscriptionViewSet, basename="subscription")
    router.register("payments", PaymentViewSet, basename="payment")
    router.register("usage", UsageViewSet, basename="usage")
