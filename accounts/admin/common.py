"""What the accounts admin's modules share: read-only evidence and the reason every action asks for."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence: readable, never edited or deleted in the admin."""

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
