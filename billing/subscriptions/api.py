"""Staff API resources of plans, subscriptions and payments, registered by config/api.py."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
