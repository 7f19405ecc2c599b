"""Public URLs of the registry and policy pages (included by config/urls_public.py, no namespace)."""

from django.urls import path

from subprocessors import views

urlpatterns = [
    path("terms/", views.policy_page, {"kind": "terms"}, name="terms"),
    path("policies/<slug:kind>/", views.policy_page, name="policy_current"),
    path("policies/<slug:kind>/<int:number>/", views.policy_version_page, name="policy_version"),
    path("subprocessors/", views.registry_page, name="subprocessors"),
    path("subprocessors/registry.json", views.registry_json, name="subprocessors_json"),
    path("subprocessors/schema.json", views.registry_schema, name="subprocessors_schema"),
    path("subprocessors/feed.atom", views.RegistryFeed(), name="subprocessors_feed"),
    path("subprocessors/versions/<int:number>/", views.registry_version_page, name="subprocessors_version"),
    path("subprocessors/versions/<int:number>.json", views.registry_version_json, name="subprocessors_version_json"),
    path("subprocessors/subscribe/", views.subscribe, name="subprocessors_subscribe"),
    path("subprocessors/subscribe/confirm/<str:token>/", views.subscribe_confirm, name="subprocessors_confirm"),
    path("subprocessors/unsubscribe/<str:token>/", views.unsubscribe, name="subprocessors_unsubscribe"),
    path("subprocessors/owner-opt-out/<str:token>/", views.owner_opt_out, name="subprocessors_owner_opt_out"),
]
