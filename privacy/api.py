"""Staff API of the privacy app (/api/v1/): requests (read) with their audit trail, processing
records (read/write), desk metrics."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from core.audit import describe
from core.models import AuditEvent as TrailEvent
from privacy import selectors
from privacy.audit import request_trail
from privacy.models import PrivacyRequest
from privacy.records import ProcessingRecord, registry_keys_unknown, unknown_keys_message


class AuditEventSerializer(serializers.ModelSerializer):
    """A step of the request's history in the one audit trail; `description` is the step in words."""

    description = serializers.SerializerMethodField()

    class Meta:
        model = TrailEvent
        fields = ["id", "occurred_at", "action", "description", "actor_kind", "actor_label", "reason", "params"]

    def get_description(self, obj: TrailEvent) -> str:
        return describe(obj)


class PrivacyRequestSerializer(serializers.ModelSerializer):
    days_left = serializers.SerializerMethodField()
    owner = serializers.SlugRelatedField(slug_field="email", read_only=True)
    account = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PrivacyRequest
        fields = [
            "id",
            "public_id",
            "kind",
            "role",
            "status",
            "channel",
            "email",
            "full_name",
            "language",
            "account",
            "owner",
            "received_at",
            "verified_at",
            "due_on",
            "days_left",
            "extended_months",
            "extension_reason",
            "closed_at",
            "outcome",
            "outcome_code",
            "refusal_reason",
        ]

    def get_days_left(self, obj: PrivacyRequest) -> int | None:
        return None if obj.is_closed else selectors.days_left(obj)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("status", str, description="e.g. open")]))
class PrivacyRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """GDPR requests (staff only). Changes go through the desk, where each step is audited."""

    serializer_class = PrivacyRequestSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = PrivacyRequest.objects.select_related("owner", "account").order_by("due_on", "id")
        status = self.request.query_params.get("status")
        return queryset.filter(status=status) if status else queryset

    @action(detail=True)
    def audit(self, request: Request, pk: str | None = None) -> Response:
        events = request_trail(self.get_object())
        return Response(AuditEventSerializer(events, many=True).data)

    @action(detail=False)
    def metrics(self, request: Request) -> Response:
        return Response(asdict(selectors.metrics()))


class ProcessingRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessingRecord
        fields = "__all__"

    def validate_registry_keys(self, keys: list[str]) -> list[str]:
        # One source of truth: a record names only entries of the sub-processor registry.
        unknown = registry_keys_unknown(keys)
        if unknown:
            raise serializers.ValidationError(unknown_keys_message(unknown))
        return keys


class ProcessingRecordViewSet(viewsets.ModelViewSet):
    """The register of processing activities (GDPR Art. 30)."""

    serializer_class = ProcessingRecordSerializer
    queryset = ProcessingRecord.objects.order_by("position", "id")


def register(router: DefaultRouter) -> None:
    router.register("privacy/requests", PrivacyRequestViewSet, basename="privacy-request")
    router.register("privacy/processing-records", ProcessingRecordViewSet, basename="processing-record")
