"""Staff edit the registry and policy texts here (public host only) and handle DPA requests and objections."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.transitions import IllegalTransition
from subprocessors import services
from subprocessors.models import (
    DataCategory,
    DpaRequest,
    DpaStatus,
    Objection,
    PolicyVersion,
    RegistryVersion,
    SubProcessor,
    Subscriber,
    SupportAccessConsent,
)
from subprocessors.selectors import registry_current, registry_diff, registry_draft_entries


class SubProcessorForm(forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        label=gettext_lazy("data categories"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SubProcessor
        fields = [
            "key",
            "group",
            "legal_entity",
            "registered_address",
            "purpose_en",
            "purpose_da",
            "purpose_nb",
            "processing_location",
            "region",
            "data_categories",
            "certifications",
            "transfer_mechanism",
            "start_date",
            "listed",
            "position",
        ]


class PublishForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(SubProcessor)
class SubProcessorAdmin(admin.ModelAdmin):
    """The working copy. "Publish" freezes it as the next public version (SUB-4)."""

    form = SubProcessorForm
    list_display = ["legal_entity", "group", "processing_location", "region", "start_date", "listed"]
    list_filter = ["group", "region", "listed"]
    search_fields = ["legal_entity", "key", "processing_location"]
    prepopulated_fields = {"key": ["legal_entity"]}
    change_list_template = "admin/subprocessors/subprocessor/change_list.html"

    def get_urls(self):  # type: ignore[no-untyped-def]
        urls = [path("publish/", self.admin_site.admin_view(self.publish_view), name="subprocessors_publish")]
        return urls + super().get_urls()

    def publish_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        current = registry_current()
        changes = registry_diff(current.entries if current else [], registry_draft_entries())
        form = PublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                version = services.registry_publish(actor=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
                return HttpResponseRedirect(reverse("admin:subprocessors_registryversion_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "changes": changes,
            "current": current,
            "title": _("Publish the sub-processor list"),
            "opts": self.model._meta,
        }
        return render(request, "admin/subprocessors/publish.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RegistryVersion)
class RegistryVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "published_at", "published_by", "note"]


@admin.register(SupportAccessConsent)
class SupportAccessConsentAdmin(ReadOnlyAdmin):
    list_display = ["account", "granted", "changed_by", "changed_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "created_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = ["token", "created_at", "confirmed_at", "unsubscribed_at"]
    search_fields = ["email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # double opt-in: people subscribe themselves


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["account", "notice", "raised_by", "created_at", "status"]
    list_filter = ["status"]
    readonly_fields = ["notice", "account", "raised_by", "reason", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Objection, form: forms.ModelForm, change: bool) -> None:
        # A move of the case goes through the service: checked, and in the account's audit trail.
        original = Objection.objects.get(pk=obj.pk)
        if obj.status == original.status:
            Objection.objects.filter(pk=obj.pk).update(staff_note=obj.staff_note)
            return
        try:
            services.objection_resolve(objection=original, note=obj.staff_note, actor=request.user)
        except IllegalTransition as error:
            messages.error(request, error.message)


class DpaRequestForm(forms.ModelForm):
    class Meta:
        model = DpaRequest
        fields = ["status", "signed_version", "signed_on"]


@admin.register(DpaRequest)
class DpaRequestAdmin(admin.ModelAdmin):
    """SUB-3: staff record the signed version and date, or decline; through the services' state machine."""

    form = DpaRequestForm
    list_display = ["account", "requested_by", "requested_at", "status", "signed_version", "signed_on"]
    list_filter = ["status"]
    readonly_fields = ["account", "requested_by", "requested_at", "handled_by", "handled_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DpaRequest, form: forms.ModelForm, change: bool) -> None:
        target = form.cleaned_data["status"]
        original = DpaRequest.objects.get(pk=obj.pk)
        if target == original.status:
            return
        try:
            if target == DpaStatus.SIGNED:
                services.dpa_record_signed(
                    request=original,
                    signed_version=form.cleaned_data["signed_version"],
                    signed_on=form.cleaned_data["signed_on"],
                    actor=request.user,
                )
            elif target == DpaStatus.DECLINED:
                services.dpa_decline(request=original, actor=request.user)
            else:
                raise ValidationError(_("A handled DPA request cannot be reopened."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except IllegalTransition as error:
            messages.error(request, error.message)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """ACC-14: drafts are edited here; "publish" numbers them; published texts are read-only."""

    list_display = ["kind", "number", "title_en", "effective_date", "published_at"]
    list_filter = ["kind"]
    actions = ["publish"]

    def get_readonly_fields(self, request: HttpRequest, obj: PolicyVersion | None = None) -> list[str]:
        if obj is not None and obj.published_at is not None:
            return [field.name for field in PolicyVersion._meta.fields]
        return ["number", "published_at"]

    @admin.action(description=gettext_lazy("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset) -> None:  # type: ignore[no-untyped-def]
        for policy in queryset.filter(published_at__isnull=True).order_by("effective_date", "pk"):
            services.policy_publish(policy=policy, actor=request.user)
            messages.success(request, _("%(policy)s is published.") % {"policy": policy})
