"""Staff API resources of the privacy app, registered on /api/v1/ by config/api.py."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets, e.g. router.register("things", ThingViewSet, basename="thing")."""
