"""Public registry and policy pages, their JSON and Atom forms, subscriptions, and Min konto."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import (
    CHANGE_OWNER_NOTICES,
    CHANGE_SUPPORT_ACCESS,
    OBJECT_TO_SUBPROCESSOR,
    REQUEST_DPA,
    may_open,
    owner_or_admin_required,
    owner_required,
)
from accounts.throttle import address_key, ip_key, refusal
from subprocessors import selectors, services
from subprocessors.access import support_access_allowed, support_access_set
from subprocessors.forms import ObjectionForm, SubscribeForm
from subprocessors.models import DpaRequest, Objection, OwnerOptOut, PolicyKind, RegistryVersion, ServedRegion
from subprocessors.schema import REGISTRY_SCHEMA

PAGE_CACHE_SECONDS = 24 * 3600  # invalidated on publish; the timeout only bounds stale memory


def _region_param(request: HttpRequest) -> str:
    region = request.GET.get("region", "")
    return region if region in ServedRegion.values and region != ServedRegion.ALL else ""


# --- Registry -----------------------------------------------------------------------------------


def registry_page(request: HttpRequest) -> HttpResponse:
    """SUB-1: the public registry. The body is rendered from the latest version's frozen entries
    (constant queries whatever their number) and cached per language and region filter; publishing
    clears the cache. The page around it (language switcher, CSRF token) is rendered per request."""
    language = translation.get_language()
    region = _region_param(request)
    key = services.page_cache_key(language, region)
    body = cache.get(key)
    if body is None:
        version = selectors.registry_current()
        entries = selectors.entries_for_region(version.entries if version else [], region)
        body = render_to_string(
            "subprocessors/_registry_body.html",
            {
                "version": version,
                "groups": selectors.entries_grouped(entries, language),
                "history": selectors.registry_history(),
                "region": region,
                "regions": [(v, label) for v, label in ServedRegion.choices if v != ServedRegion.ALL],
            },
        )
        cache.set(key, body, PAGE_CACHE_SECONDS)
    return render(request, "subprocessors/registry.html", {"body": body})


def _version_or_404(number: int) -> RegistryVersion:
    version = selectors.registry_version_get(number)
    if version is None:
        raise Http404
    return version


def registry_version_page(request: HttpRequest, number: int) -> HttpResponse:
    """A published version at its permanent URL, with what changed since the one before."""
    version = _version_or_404(number)
    language = translation.get_language()
    return render(
        request,
        "subprocessors/version.html",
        {
            "version": version,
            "groups": selectors.entries_grouped(version.entries, language),
            "changes": version.changes,
            "field_labels": _field_labels(),
        },
    )


def _field_labels() -> dict[str, str]:
    return {
        "group": _("Group"),
        "legal_entity": _("Legal entity"),
        "registered_address": _("Registered address"),
        "purpose": _("Purpose"),
        "processing_location": _("Processing location"),
        "region": _("Region"),
        "data_categories": _("Data categories"),
        "certifications": _("Certifications"),
        "transfer_mechanism": _("Transfer mechanism"),
        "start_date": _("Start date"),
    }


def _version_json(version: RegistryVersion | None) -> dict[str, Any]:
    return {
        "schema": "/subprocessors/schema.json",
        "version": version.number if version else 0,
        "published_at": version.published_at.isoformat() if version else None,
        "last_updated": version.published_at.date().isoformat() if version else None,
        "entries": version.entries if version else [],
        "changes": version.changes if version else {"added": [], "removed": [], "changed": []},
    }


def registry_json(request: HttpRequest) -> JsonResponse:
    """SUB-4: the current registry as JSON (shape: /subprocessors/schema.json)."""
    return JsonResponse(_version_json(selectors.registry_current()), json_dumps_params={"ensure_ascii": False})


def registry_version_json(request: HttpRequest, number: int) -> JsonResponse:
    return JsonResponse(_version_json(_version_or_404(number)), json_dumps_params={"ensure_ascii": False})


def registry_schema(request: HttpRequest) -> JsonResponse:
    """The JSON Schema documenting the registry's JSON fields."""
    return JsonResponse(REGISTRY_SCHEMA)


class RegistryFeed(Feed):
    """SUB-4: an Atom feed of published versions and what each changed."""

    feed_type = Atom1Feed
    link = "/subprocessors/"
    title = gettext_lazy("Kontoportal sub-processors: changes")
    subtitle = gettext_lazy("Every published version of the sub-processor list.")

    def items(self) -> list[RegistryVersion]:
        return selectors.registry_history()[:50]

    def item_title(self, item: RegistryVersion) -> str:
        return _("Version %(number)s of the sub-processor list") % {"number": item.number}

    def item_description(self, item: RegistryVersion) -> str:
        changes = item.changes or {}
        parts = []
        for key, label in (("added", _("Added")), ("removed", _("Removed")), ("changed", _("Changed"))):
            names = [entry["legal_entity"] for entry in changes.get(key, [])]
            if names:
                parts.append(f"{label}: {', '.join(names)}")
        return "; ".join(parts) or _("First published list.")

    def item_link(self, item: RegistryVersion) -> str:
        return f"/subprocessors/versions/{item.number}/"

    def item_pubdate(self, item: RegistryVersion) -> Any:
        return item.published_at

    def item_updateddate(self, item: RegistryVersion) -> Any:
        return item.published_at


# --- Subscriptions ------------------------------------------------------------------------------


def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Each subscription mails a confirmation link to the typed address: capped per address
        # and per IP, known address or not (accounts/throttle.py; fails open without Redis).
        checks = [("subscribe_ip", ip_key(request)), ("subscribe_address", address_key(form.cleaned_data["email"]))]
        if message := refusal(request, checks):
            form.add_error(None, message)
            return render(request, "subprocessors/subscribe.html", {"form": form}, status=429)
        services.subscriber_subscribe(email=form.cleaned_data["email"], language=translation.get_language())
        return render(
            request,
            "subprocessors/message.html",
            {
                "heading": _("Check your inbox"),
                "text": _("We have sent you an e-mail. Click the link in it to confirm your subscription."),
            },
        )
    return render(request, "subprocessors/subscribe.html", {"form": form})


def _link_result(request: HttpRequest, ok: bool, heading: str, text: str) -> HttpResponse:
    if not ok:
        heading = _("This link is not valid")
        text = _(
            "The link is unknown, has expired or has been changed. Nothing was changed. Copy the whole link from the newest e-mail, or subscribe again."
        )
    return render(request, "subprocessors/message.html", {"heading": heading, "text": text}, status=200 if ok else 404)


def subscribe_confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_confirm(token=token)
    return _link_result(
        request,
        subscriber is not None,
        _("Subscription confirmed"),
        _("You will receive an e-mail when we plan to add a new sub-processor."),
    )


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_unsubscribe(token=token)
    return _link_result(
        request,
        subscriber is not None,
        _("You are unsubscribed"),
        _("You will no longer receive e-mails about sub-processors."),
    )


def owner_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    account = services.owner_opt_out(token=token)
    return _link_result(
        request,
        account is not None,
        _("You are unsubscribed"),
        _("The account's Owner will no longer receive e-mails about sub-processors."),
    )


# --- Policy pages (ACC-14) ----------------------------------------------------------------------


def _kind_or_404(kind: str) -> str:
    if kind not in PolicyKind.values:
        raise Http404
    return kind


def policy_page(request: HttpRequest, kind: str) -> HttpResponse:
    policy = selectors.policy_current(_kind_or_404(kind))
    return _policy_render(request, kind, policy, archived=False)


def policy_version_page(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    policy = selectors.policy_version_get(_kind_or_404(kind), number)
    if policy is None:
        raise Http404
    return _policy_render(request, kind, policy, archived=True)


def _policy_render(request: HttpRequest, kind: str, policy: Any, archived: bool) -> HttpResponse:
    language = translation.get_language()
    current = selectors.policy_current(kind) if archived else policy
    return render(
        request,
        "subprocessors/policy.html",
        {
            "kind": kind,
            "kind_label": PolicyKind(kind).label,
            "policy": policy,
            "current": current,
            "archived": archived and (current is None or current.pk != policy.pk),
            "title": policy.localized("title", language) if policy else PolicyKind(kind).label,
            "html": selectors.policy_html(policy, language) if policy else "",
            "versions": selectors.policy_versions(kind),
        },
    )


# --- Min konto ----------------------------------------------------------------------------------


@login_required
def minkonto(request: HttpRequest) -> HttpResponse:
    """SUB-2, SUB-3, SUB-4, SUB-5 for one account: its sub-processors, open notices, DPA, access switch."""
    account = request.tenant
    language = translation.get_language()
    entries = selectors.entries_for_account(account)
    objected = set(Objection.objects.filter(account=account).values_list("notice_id", flat=True))
    return render(
        request,
        "subprocessors/minkonto/index.html",
        {
            "account": account,
            "groups": [g for g in selectors.entries_grouped(entries, language) if g["entries"]],
            "notices": selectors.notices_open_for(account),
            "objected": objected,
            "objection_form": ObjectionForm(),
            "dpa": DpaRequest.objects.filter(account=account).order_by("-requested_at").first(),
            "access_granted": support_access_allowed(account),
            "owner_notices": not OwnerOptOut.objects.filter(account=account).exists(),
            "is_owner": may_open(request.user, minkonto_dpa),
            "can_manage_access": may_open(request.user, minkonto_support_access),
        },
    )


@require_POST
@owner_required(refusal=OBJECT_TO_SUBPROCESSOR)
def minkonto_object(request: HttpRequest, notice_id: str) -> HttpResponse:
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please tell us why you object."))
        return redirect("subprocessors:minkonto")
    try:
        services.objection_raise(
            account=request.tenant, notice_id=notice_id, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your objection is registered. We will contact you."))
    return redirect("subprocessors:minkonto")


@require_POST
@owner_required(refusal=REQUEST_DPA)
def minkonto_dpa(request: HttpRequest) -> HttpResponse:
    services.dpa_request(account=request.tenant, actor=request.user)
    messages.success(request, _("Your request is sent. We will send you the agreement to sign."))
    return redirect("subprocessors:minkonto")


@require_POST
@owner_or_admin_required(refusal=CHANGE_SUPPORT_ACCESS)
def minkonto_support_access(request: HttpRequest) -> HttpResponse:
    granted = request.POST.get("granted") == "1"
    support_access_set(account=request.tenant, granted=granted, actor=request.user)
    if granted:
        messages.success(request, _("Support may now access your account's data."))
    else:
        messages.success(request, _("Support access to your account's data is revoked."))
    return redirect("subprocessors:minkonto")


@require_POST
@owner_required(refusal=CHANGE_OWNER_NOTICES)
def minkonto_owner_notices(request: HttpRequest) -> HttpResponse:
    subscribed = request.POST.get("subscribed") == "1"
    services.owner_notices_set(account=request.tenant, subscribed=subscribed)
    if subscribed:
        messages.success(request, _("You will receive notices of new sub-processors."))
    else:
        messages.success(request, _("You will no longer receive notices of new sub-processors."))
    return redirect("subprocessors:minkonto")


@login_required
@require_POST
def minkonto_terms_seen(request: HttpRequest, number: int) -> HttpResponse:
    policy = selectors.policy_version_get(PolicyKind.TERMS, number)
    if policy is not None:
        services.policy_mark_seen(account=request.tenant, policy=policy, actor=request.user)
    return redirect("minkonto:dashboard")
