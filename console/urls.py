"""The staff console, under /admin/console/ on the public host."""

from django.contrib import admin
from django.urls import path

from console import views

app_name = "console"

urlpatterns = [
    path("account/<int:pk>/", admin.site.admin_view(views.account), name="account"),
    path("search/", admin.site.admin_view(views.search), name="search"),
    path("today/", admin.site.admin_view(views.today), name="today"),
]
