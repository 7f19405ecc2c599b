"""Staff API resources of the subprocessors app, registered on /api/v1/ by config/api.py.

The registry is public and read-only; subscriptions and DPA requests are for staff."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from core.transitions import IllegalTransition
from subprocessors import services
from subprocessors.models import DpaRequest, RegistryVersion, Subscriber


class RegistryVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegistryVersion
        fields = ["number", "published_at", "note", "entries", "changes"]


class RegistryViewSet(viewsets.ReadOnlyModelViewSet):
    """Published versions of the sub-processor list (public, read-only)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = RegistryVersionSerializer
    queryset = RegistryVersion.objects.order_by("-number")
    lookup_field = "number"


class SubscriberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscriber
        fields = ["id", "email", "language", "created_at", "confirmed_at", "unsubscribed_at"]


class SubscriberViewSet(viewsets.ReadOnlyModelViewSet):
    """Notice subscribers (staff). People subscribe themselves (double opt-in)."""

    serializer_class = SubscriberSerializer
    queryset = Subscriber.objects.order_by("email")


class DpaRequestSerializer(serializers.ModelSerializer):
    account = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = DpaRequest
        fields = [
            "id",
            "account",
            "requested_by",
            "requested_at",
            "status",
            "signed_version",
            "signed_on",
            "handled_by",
            "handled_at",
        ]
        read_only_fields = fields


class DpaSignedSerializer(serializers.Serializer):
    signed_version = serializers.CharField(max_length=50)
    signed_on = serializers.DateField()


class DpaRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """SUB-3: DPA requests; staff record the signed version and date."""

    serializer_class = DpaRequestSerializer
    queryset = DpaRequest.objects.select_related("account").order_by("-requested_at")

    @extend_schema(request=DpaSignedSerializer, responses=DpaRequestSerializer)
    @action(detail=True, methods=["post"])
    def signed(self, request: Request, pk: str | None = None) -> Response:
        data = DpaSignedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        from django.core.exceptions import ValidationError

        try:
            dpa = services.dpa_record_signed(request=self.get_object(), actor=request.user, **data.validated_data)
        except ValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        except IllegalTransition as error:
            return Response({"detail": str(error.message)}, status=status.HTTP_409_CONFLICT)
        return Response(DpaRequestSerializer(dpa).data)


def register(router: DefaultRouter) -> None:
    router.register("subprocessors/versions", RegistryViewSet, basename="subprocessor-version")
    router.register("subprocessors/subscribers", SubscriberViewSet, basename="subprocessor-subscriber")
    router.register("subprocessors/dpa-requests", DpaRequestViewSet, basename="dpa-request")
