"""Public URLs of the privacy desk (included by config/urls_public.py)."""

from django.urls import path

from privacy import views

urlpatterns = [
    path("data-processing/", views.data_processing, name="data-processing"),
    path("privacy/request/", views.request_new, name="privacy-request"),
    path("privacy/request/written/", views.request_written, name="privacy-written"),
    path("privacy/request/<uuid:public_id>/", views.request_verify, name="privacy-verify"),
    path("privacy/verify/<str:token>/", views.verify_link, name="privacy-verify-link"),
    path("privacy/download/<str:token>/<str:fmt>/", views.download, name="privacy-download"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="privacy-unsubscribe"),
]
