"""Lifetime codes (LTD): import a batch from CSV, suspend a shared code."""

import csv
import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.lifecycle import LifecycleError
from accounts.lifetime import lifetime_code_sharing_suspend, lifetime_codes_import
from accounts.models import LifetimeCode, LifetimeCodeBatch
from config.bad_input import upload_size_check
from core.transitions import IllegalTransition


class CodeImportForm(forms.Form):
    name = forms.CharField(label=_("Batch name"), max_length=100)
    redeem_by = forms.DateTimeField(label=_("Redeem by"), help_text=_("YYYY-MM-DD HH:MM"))
    csv_file = forms.FileField(label=_("CSV file"), help_text=_("One code per line; a header line “code” is allowed."))

    def clean_csv_file(self):  # type: ignore[no-untyped-def]
        """Bad files are a form error, never a 500: the upload limit, UTF-8 text, no NUL byte."""
        file = self.cleaned_data["csv_file"]
        upload_size_check(file)
        try:
            text = file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            raise forms.ValidationError(_("Upload the codes as a UTF-8 text (CSV) file."))
        file.seek(0)
        return file


@admin.register(LifetimeCodeBatch)
class LifetimeCodeBatchAdmin(admin.ModelAdmin):
    list_display = ["name", "redeem_by", "seats", "plan_name", "imported_at"]

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="accounts_lifetimecodebatch_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = CodeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["csv_file"].read().decode("utf-8-sig")
            rows = [row[0] for row in csv.reader(io.StringIO(text)) if row]
            try:
                batch = lifetime_codes_import(
                    name=form.cleaned_data["name"],
                    redeem_by=form.cleaned_data["redeem_by"],
                    rows=rows,
                    staff=request.user.email,
                )
            except Exception as error:  # noqa: BLE001 - a duplicate code anywhere refuses the whole file
                form.add_error(None, gettext("Nothing was imported: %(error)s") % {"error": error})
            else:
                self.message_user(
                    request, gettext("Imported %(n)s codes.") % {"n": batch.codes.count()}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:accounts_lifetimecodebatch_changelist"))
        return TemplateResponse(
            request,
            "admin/accounts/reason_action.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Import lifetime codes"),
                "form": form,
                "upload": True,
                "opts": self.model._meta,
            },
        )


@admin.register(LifetimeCode)
class LifetimeCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "batch", "account", "redeemed_at", "refused_attempts"]
    list_filter = ["batch", ("account", admin.EmptyFieldListFilter)]
    search_fields = ["code", "account__name"]
    readonly_fields = ["account", "redeemed_at", "refused_attempts"]
    actions = ["suspend_for_sharing"]

    @admin.action(description=_("Suspend the holder's account for sharing the code"))
    def suspend_for_sharing(self, request: HttpRequest, queryset: Any) -> None:
        for code in queryset.select_related("account"):
            if code.account is None:
                continue
            try:
                lifetime_code_sharing_suspend(code=code, actor=request.user.email)
            except (LifecycleError, IllegalTransition) as error:
                self.message_user(request, f"{code}: {error.message}", messages.ERROR)
