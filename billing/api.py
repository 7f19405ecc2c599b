"""Staff API of the billing app: invoices and credit notes (read, PDF download), billing profiles."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from billing.models import BillingProfile, CreditNote, DocumentLine, Invoice
from billing.pdf import PdfMissing, document_pdf_bytes
from billing.services.held import held_documents_issue
from billing.services.profiles import billing_profile_update
from billing.services.status import document_mark_paid
from core import hooks
from core.transitions import IllegalTransition


class LineSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentLine
        fields = [
            "position",
            "description",
            "code",
            "params",
            "quantity",
            "unit_price",
            "net_amount",
            "vat_rate",
            "vat_amount",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    account = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    credited_invoice = serializers.SlugRelatedField(slug_field="number", read_only=True)
    # BIL-14: the delivery status and links to the archived XML, from the e-invoicing app.
    einvoice = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "kind",
            "number",
            "status",
            "account",
            "issued_at",
            "period_start",
            "period_end",
            "due_date",
            "paid_at",
            "payment",
            "currency",
            "language",
            "credited_invoice",
            "reason",
            "seller",
            "buyer",
            "tax_treatment",
            "tax_country",
            "vat_rate",
            "tax_note",
            "net_total",
            "vat_total",
            "gross_total",
            "eur_rate",
            "eur_rate_day",
            "vat_total_eur",
            "pdf_sha256",
            "einvoice",
            "lines",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_einvoice(self, document: Invoice) -> dict | None:
        return hooks.document_einvoice(document, for_staff=True)


class _DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Issued documents are read-only here: corrections are credit notes (BIL-11)."""

    serializer_class = DocumentSerializer
    model = Invoice

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = (
            self.model.objects.exclude(status="draft")
            .select_related("account", "credited_invoice")
            .prefetch_related("lines")
            .order_by("sequence")
        )
        account = self.request.query_params.get("account")
        return queryset.filter(account__slug=account) if account else queryset

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The stored PDF")})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        document = self.get_object()
        try:
            data = document_pdf_bytes(document)
        except PdfMissing as exc:
            raise NotFound("The PDF has not been rendered yet.") from exc
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
        return response


# Documented so that clients (and the schemathesis run) know the filter.
_BY_ACCOUNT = extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("account", str, description="slug")]))


@_BY_ACCOUNT
class InvoiceViewSet(_DocumentViewSet):
    """Invoices (staff only)."""

    model = Invoice

    @extend_schema(
        request=None,
        responses={200: DocumentSerializer, 409: OpenApiResponse(description="The invoice cannot become paid")},
    )
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request: Request, pk: str | None = None) -> Response:
        """A payment arrived: issued → paid. Any other move is refused (409) with the reason in
        the caller's language, and the invoice stays as it was."""
        invoice = self.get_object()
        try:
            document_mark_paid(document=invoice, actor=request.user.email)
        except IllegalTransition as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_queryset().get(pk=invoice.pk)).data)


@_BY_ACCOUNT
class CreditNoteViewSet(_DocumentViewSet):
    """Credit notes (staff only)."""

    model = CreditNote


class BillingProfileSerializer(serializers.ModelSerializer):
    account = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = BillingProfile
        fields = [
            "id",
            "account",
            "company",
            "name",
            "street",
            "postcode",
            "city",
            "country",
            "email",
            "vat_number",
            "company_id",
            "tax_number",
            "peppol_scheme",
            "peppol_id",
            "vat_status",
            "vies_consultation",
            "vies_checked_at",
            "updated_at",
        ]
        read_only_fields = ["id", "account", "vat_status", "vies_consultation", "vies_checked_at", "updated_at"]


class BillingProfileViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Billing profiles (staff only). Changes go through the same checks as Min konto."""

    serializer_class = BillingProfileSerializer
    queryset = BillingProfile.objects.select_related("account").order_by("id")
    http_method_names = ["get", "put", "patch", "head", "options"]

    def update(self, request: Request, *args: object, **kwargs: object) -> Response:
        profile = self.get_object()
        serializer = self.get_serializer(profile, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = {**{f: getattr(profile, f) for f in serializer.Meta.fields}, **serializer.validated_data}
        try:
            profile = billing_profile_update(account=profile.account, actor=request.user.email, data=data)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"vat_number": exc.messages}
            raise serializers.ValidationError(errors) from exc
        held_documents_issue(account=profile.account, actor=request.user.email)  # BIL-14: what waited for them
        return Response(self.get_serializer(profile).data)


def register(router: DefaultRouter) -> None:
    router.register("invoices", InvoiceViewSet, basename="invoice")
    router.register("credit-notes", CreditNoteViewSet, basename="credit-note")
    router.register("billing-profiles", BillingProfileViewSet, basename="billing-profile")
