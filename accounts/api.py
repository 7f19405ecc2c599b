from rest_framework import serializers, viewsets

from accounts.models import Account


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
            "hosts",
        ]

    def get_hosts(self, account: Account) -> list[str]:
        return [domain.domain for domain in account.domains.all()]


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Customer accounts (staff only)."""

    serializer_class = AccountSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Account.objects.customers().prefetch_related("domains").order_by("id")


def register(router) -> None:  # type: ignore[no-untyped-def]
    router.register("accounts", AccountViewSet, basename="account")
