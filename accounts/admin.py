from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Domain, MailLog


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "region", "language", "status", "trial_ends_at", "created_at"]
    list_filter = ["status", "region", "language"]
    search_fields = ["name", "slug", "domains__domain"]
    readonly_fields = ["schema_name", "kind", "created_at"]
    inlines = [DomainInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The public and template schemas are infrastructure, not customers.
        return super().get_queryset(request).customers()


@admin.register(MailLog)
class MailLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "template", "language", "status", "account"]
    list_filter = ["status", "template", "language"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["account"]
    readonly_fields = [f.name for f in MailLog._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # evidence: readable, never edited


admin.site.empty_value_display = _("(none)")
