"""ACC-2: staff see locked logins (axes' failed attempts) in the public admin and unlock them."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    actions = ["unlock"]

    @admin.action(description=gettext_lazy("Unlock: forget these failed logins"), permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        _total, per_model = queryset.delete()
        count = per_model.get(AccessAttempt._meta.label, 0)
        message = ngettext("%(count)d locked login unlocked.", "%(count)d locked logins unlocked.", count)
        self.message_user(request, message % {"count": count})
