"""Staff API: accounts (list, detail, lifecycle actions) and each account's users."""

from django_tenants.utils import schema_exists, tenant_context
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.lifecycle import (
    LifecycleError,
    account_activate,
    account_close,
    account_reactivate,
    account_suspend,
)
from accounts.models import Account
from accounts.services import account_inactivity_exempt
from accounts.users.models import User
from core.audit import describe
from core.models import AuditEvent
from core.transitions import IllegalTransition


class AccountSerializer(serializers.ModelSerializer):
    hosts = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "slug",
            "region",
            "language",
            "status",
            "plan_name",
            "trial_ends_at",
            "created_at",
            "suspended_at",
            "reactivated_until",
            "closed_at",
            "cancelled_at",
            "deleted_at",
            "last_login_at",
            "inactivity_exempt",
            "seat_limit",
            "storage_limit_gb",
            "shared_login_flagged",
            "hosts",
        ]

    def get_hosts(self, account: Account) -> list[str]:
        return [domain.domain for domain in account.domains.all()]


class EventSerializer(serializers.ModelSerializer):
    """A row of the account's history in the one audit trail; `action` is the code, `description`
    the action in words (in the request's language)."""

    description = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "occurred_at",
            "domain",
            "actor_kind",
            "actor_label",
            "action",
            "description",
            "reason",
            "before",
            "after",
            "params",
        ]

    def get_description(self, obj: AuditEvent) -> str:
        return describe(obj)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "is_active", "last_login", "date_joined"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


ACTIONS = {
    "suspend": lambda account, actor, reason: account_suspend(account=account, actor=actor, reason=reason),
    "reactivate": lambda account, actor, reason: account_reactivate(account=account, actor=actor, reason=reason),
    "activate": lambda account, actor, reason: account_activate(account=account, actor=actor, reason=reason),
    "close": lambda account, actor, reason: account_close(account=account, actor=actor, reason=reason),
    "exempt": lambda account, actor, reason: account_inactivity_exempt(account=account, actor=actor, reason=reason),
}


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Customer accounts (staff only). State actions take a reason and are audited."""

    serializer_class = AccountSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Account.all_objects.customers().prefetch_related("domains").order_by("id")

    def _act(self, request: Request, name: str) -> Response:
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        account = self.get_object()
        try:
            ACTIONS[name](account, request.user.email, payload.validated_data["reason"])
        except (LifecycleError, IllegalTransition) as error:
            return Response({"detail": str(error.message)}, status=status.HTTP_409_CONFLICT)
        account.refresh_from_db()
        return Response(AccountSerializer(account).data)

    @extend_schema(request=ReasonSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "suspend")

    @extend_schema(request=ReasonSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "reactivate")

    @extend_schema(request=ReasonSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "activate")

    @extend_schema(request=ReasonSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "close")

    @extend_schema(request=ReasonSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def exempt(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, "exempt")

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        return Response(EventSerializer(AuditEvent.objects.filter(account_id=account.pk)[:200], many=True).data)

    @extend_schema(responses=UserSerializer(many=True))
    @action(detail=True, methods=["get"])
    def users(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        if account.deleted_at is not None or not schema_exists(account.schema_name):
            return Response([])
        with tenant_context(account):
            data = UserSerializer(User.objects.order_by("email"), many=True).data
        return Response(data)


def register(router) -> None:  # type: ignore[no-untyped-def]
    router.register("accounts", AccountViewSet, basename="account")
