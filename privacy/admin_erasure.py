"""The erasure's two steps on the desk (GDPR-10): the first click shows what the erasure will
touch and changes nothing; the confirmation is a second, deliberate POST. A person who is the
only Owner of an account in use holds the erasure until ownership passes to someone else or
staff choose to close the account as part of the request. The erasure itself runs on the worker."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from privacy.models import PrivacyRequest
from privacy.services.erasure import erasure_preview, held_reason
from privacy.tasks import erasure_queue


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:privacy_privacyrequest_change", args=[pk]))


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _close_choices(post: Any) -> list[int]:
    return [int(v) for v in post.getlist("close_account") if v.isascii() and v.isdigit() and len(v) < 10]


def erasure_view(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("privacy.change_privacyrequest"):
        raise PermissionDenied
    req = get_object_or_404(PrivacyRequest, pk=pk)
    held_now = False
    if request.method == "POST":
        try:
            queued = erasure_queue(request=req, actor=request.user, close_accounts=_close_choices(request.POST))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _refusal(exc))
            return _back(pk)
        if queued:
            messages.success(
                request,
                gettext(
                    "The erasure is confirmed and queued for the worker. This page shows its progress and its outcome."
                ),
            )
            return _back(pk)
        messages.warning(request, gettext("Nothing was erased: the erasure is still held."))
        held_now = True
    try:
        impact = erasure_preview(request=req, actor=request.user, record=not held_now)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _refusal(exc))
        return _back(pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": PrivacyRequest._meta,
        "title": gettext("Erase the data of request %(ref)s") % {"ref": req.reference or req.pk},
        "req": req,
        "impact": impact,
        "totals": impact.totals,
        "held_reason": held_reason(impact.held) if impact.held else "",
        "held": [{"account": a, "url": reverse("admin:accounts_account_change", args=[a.pk])} for a in impact.held],
        "change_url": reverse("admin:privacy_privacyrequest_change", args=[pk]),
    }
    return TemplateResponse(request, "privacy/admin/erasure_preview.html", context)
