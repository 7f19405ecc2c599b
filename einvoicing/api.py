"""Staff API of the e-invoicing app (BIL-14): each document's archived e-invoice, its validation
and delivery, and the XML as stored. The documents' own endpoints (billing/api.py) link here."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.routers import DefaultRouter

from einvoicing.models import Delivery, EInvoice
from einvoicing.views import xml_response


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["status", "channel", "sender_id", "receiver_id", "message_id", "reason", "attempts", "updated_at"]
        read_only_fields = fields


class EInvoiceSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document_id", read_only=True)
    number = serializers.CharField(source="document.number", read_only=True)
    delivery = serializers.SerializerMethodField()

    class Meta:
        model = EInvoice
        fields = [
            "document",
            "number",
            "ubl_syntax",
            "ubl_sha256",
            "ubl_status",
            "cii_syntax",
            "cii_sha256",
            "cii_status",
            "findings",
            "created_at",
            "delivery",
        ]
        read_only_fields = fields

    @extend_schema_field(DeliverySerializer(allow_null=True))
    def get_delivery(self, einvoice: EInvoice) -> dict | None:
        delivery = getattr(einvoice.document, "einvoice_delivery", None)
        return DeliverySerializer(delivery).data if delivery is not None else None


class EInvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Archived e-invoices (staff only), looked up by their document's id."""

    serializer_class = EInvoiceSerializer
    queryset = EInvoice.objects.select_related("document", "document__einvoice_delivery").order_by("-id")
    lookup_field = "document"

    def _xml(self, syntax: str) -> HttpResponse:
        return xml_response(self.get_object(), syntax)

    @extend_schema(responses={(200, "application/xml"): OpenApiResponse(description="The stored UBL")})
    @action(detail=True, methods=["get"])
    def ubl(self, request: Request, document: str | None = None) -> HttpResponse:
        return self._xml("ubl")

    @extend_schema(responses={(200, "application/xml"): OpenApiResponse(description="The stored CII")})
    @action(detail=True, methods=["get"])
    def cii(self, request: Request, document: str | None = None) -> HttpResponse:
        return self._xml("cii")


def register(router: DefaultRouter) -> None:
    router.register("e-invoices", EInvoiceViewSet, basename="e-invoice")
