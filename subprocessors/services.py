"""Writes of the registry, subscriptions, notices, objections, DPA requests and policy texts."""

import secrets
from datetime import timedelta
from typing import Any

from celery import current_app
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from accounts.mailer import mail_send
from accounts.models import Account, AccountStatus
from accounts.users.models import Role, User
from config.clock import now, today
from config.page_cache import public_pages_clear
from core.links import account_url, public_url
from core.transitions import transition
from subprocessors import audit
from subprocessors.links import (
    CONFIRM_MAX_AGE,
    CONFIRM_PURPOSE,
    UNSUBSCRIBE_MAX_AGE,
    UNSUBSCRIBE_PURPOSE,
    owner_opt_out_account_id,
    owner_opt_out_token,
    subscriber_by_token,
    subscriber_confirm_token,
    subscriber_unsubscribe_token,
)
from subprocessors.models import (
    CaseStatus,
    DpaRequest,
    DpaStatus,
    Notice,
    NoticeDelivery,
    Objection,
    OwnerOptOut,
    PolicySeen,
    PolicyVersion,
    RegistryVersion,
    ServedRegion,
    Subscriber,
)
from subprocessors.selectors import registry_diff, registry_draft_entries

# The task (subprocessors/tasks.py) imports this module, so it is sent by its name.
SEND_NOTICES_TASK = "subprocessors.send_notices"

# SUB-4: subscribers hear of a new sub-processor at least this long before it starts.
NOTICE_DAYS = 30
PAGE_LANGUAGES = ("en", "da", "nb")
PAGE_REGIONS = ("", *ServedRegion.values)


def _actor(actor: Any) -> str:
    return str(getattr(actor, "email", None) or actor or "?")[:254]


def page_cache_key(language: str, region: str) -> str:
    return f"subprocessors:page:{language}:{region}"


def page_cache_clear() -> None:
    """Drop every cached rendering of the public registry page (all languages, all filters)."""
    cache.delete_many([page_cache_key(lang, region) for lang in PAGE_LANGUAGES for region in PAGE_REGIONS])
    public_pages_clear()  # the whole responses too (config/page_cache.py)


# --- Publishing (SUB-4) -------------------------------------------------------------------------


@transaction.atomic
def registry_publish(*, actor: Any, note: str = "") -> RegistryVersion:
    """Freeze the working copy as the next numbered version, stamp the last-updated date, announce
    new sub-processors. A new entry must start at least NOTICE_DAYS after today (so the notice can
    reach subscribers in time); nothing changed since the last version is refused."""
    # Serialise concurrent publishers: the number is taken under this lock.
    previous = RegistryVersion.objects.select_for_update().order_by("-number").first()
    entries = registry_draft_entries()
    changes = registry_diff(previous.entries if previous else [], entries)
    if previous is not None and not any(changes.values()):
        raise ValidationError(_("Nothing has changed since version %(number)s.") % {"number": previous.number})
    earliest = today() + timedelta(days=NOTICE_DAYS)
    added = {item["key"] for item in changes["added"]}
    if previous is not None:
        too_soon = [e["legal_entity"] for e in entries if e["key"] in added and e["start_date"] < earliest.isoformat()]
        if too_soon:
            raise ValidationError(
                _(
                    "A new sub-processor must start on %(date)s or later, so that subscribers hear of it 30 days ahead: %(names)s."
                )
                % {"date": earliest.isoformat(), "names": ", ".join(too_soon)}
            )
    version = RegistryVersion(
        number=(previous.number + 1) if previous else 1,
        published_at=now(),
        published_by=_actor(actor),
        note=note,
        entries=entries,
        changes=changes,
    )
    version.full_clean()
    version.save()
    audit.registry_published(version=version, actor=actor)
    # The first version is the initial list, not news; later additions are announced.
    if previous is not None:
        for entry in entries:
            if entry["key"] in added:
                Notice.objects.create(
                    version=version,
                    key=entry["key"],
                    legal_entity=entry["legal_entity"],
                    region=entry["region"],
                    start_date=entry["start_date"],
                    created_at=version.published_at,
                )
    transaction.on_commit(page_cache_clear)
    if previous is not None and added:
        transaction.on_commit(lambda: current_app.send_task(SEND_NOTICES_TASK))
    return version


# --- Subscriptions (SUB-4) ----------------------------------------------------------------------


@transaction.atomic
def subscriber_subscribe(*, email: str, language: str) -> Subscriber:
    """Double opt-in: store (once per address) and e-mail a confirmation link. Subscribing again
    re-sends the link if unconfirmed and re-activates an unsubscribed address only after confirming."""
    email = email.strip().lower()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email, language=language, token=secrets.token_urlsafe(32), created_at=now())
        subscriber.full_clean()
        subscriber.save()
    elif subscriber.active:
        return subscriber
    else:
        subscriber.language = language
        subscriber.unsubscribed_at = None
        subscriber.confirmed_at = None
        subscriber.save(update_fields=["language", "unsubscribed_at", "confirmed_at"])
    mail_send(
        to=subscriber.email,
        template="subprocessors_confirm",
        language=subscriber.language,
        context={
            "confirm_url": public_url(f"/subprocessors/subscribe/confirm/{subscriber_confirm_token(subscriber)}/")
        },
        secret=("confirm_url",),
    )
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber | None:
    """Confirm by the e-mailed link; an unknown, expired or foreign token changes nothing and
    returns None."""
    subscriber = subscriber_by_token(CONFIRM_PURPOSE, token, CONFIRM_MAX_AGE)
    if subscriber is None or subscriber.unsubscribed_at is not None:
        return None
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """One click, immediate; an unknown, expired or foreign token changes nothing and returns None."""
    subscriber = subscriber_by_token(UNSUBSCRIBE_PURPOSE, token, UNSUBSCRIBE_MAX_AGE)
    if subscriber is None:
        return None
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


@transaction.atomic
def owner_opt_out(*, token: str) -> Account | None:
    """An Owner's one-click opt-out from registry notices (signed link); forged → None, nothing changed."""
    account_id = owner_opt_out_account_id(token)
    if account_id is None:
        return None
    account = Account.objects.customers().filter(pk=account_id).first()
    if account is None:
        return None
    OwnerOptOut.objects.get_or_create(account=account, defaults={"created_at": now()})
    return account


@transaction.atomic
def owner_notices_set(*, account: Account, subscribed: bool) -> None:
    """The Owner's own switch in Min konto: subscribed by default, the opt-out row records otherwise."""
    if subscribed:
        OwnerOptOut.objects.filter(account=account).delete()
    else:
        OwnerOptOut.objects.get_or_create(account=account, defaults={"created_at": now()})


# --- Notices (SUB-4) ----------------------------------------------------------------------------


def notice_recipients(notice: Notice) -> list[dict[str, Any]]:
    """Who hears of a notice: every confirmed subscriber, and the Owner of every live account whose
    region the new sub-processor serves, unless that Owner opted out."""
    recipients = [
        {
            "email": s.email,
            "language": s.language,
            "account": None,
            "unsubscribe_url": public_url(f"/subprocessors/unsubscribe/{subscriber_unsubscribe_token(s)}/"),
        }
        for s in Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    ]
    accounts = (
        Account.objects.customers()
        .exclude(status__in=[AccountStatus.CANCELLED, AccountStatus.CLOSED])
        .exclude(pk__in=OwnerOptOut.objects.values("account_id"))
    )
    if notice.region != ServedRegion.ALL:
        accounts = accounts.filter(region=notice.region)
    for account in accounts:
        with tenant_context(account):
            owner = User.objects.filter(role=Role.OWNER, is_active=True).values("email", "language").first()
        if owner:
            recipients.append(
                {
                    "email": owner["email"].lower(),
                    "language": owner["language"] or account.language,
                    "account": account,
                    "unsubscribe_url": public_url(f"/subprocessors/owner-opt-out/{owner_opt_out_token(account)}/"),
                    "object_url": account_url(account, "/min-konto/subprocessors/"),
                }
            )
    return recipients


def notices_send(*, dry_run: bool = False) -> int:
    """Send each pending notice once per address (the NoticeDelivery pair is unique, so a second
    run or a second worker sends nothing). Notices whose start has passed are no longer sent."""
    sent = 0
    for notice in Notice.objects.filter(start_date__gt=today()).order_by("id"):
        done = set(NoticeDelivery.objects.filter(notice=notice).values_list("email", flat=True))
        for recipient in notice_recipients(notice):
            if recipient["email"] in done:
                continue
            done.add(recipient["email"])
            sent += 1
            if dry_run:
                continue
            try:
                with transaction.atomic():
                    NoticeDelivery.objects.create(
                        notice=notice, email=recipient["email"], account=recipient["account"], sent_at=now()
                    )
                    mail_send(
                        to=recipient["email"],
                        template="subprocessors_notice",
                        language=recipient["language"],
                        account=recipient["account"],
                        context={
                            "legal_entity": notice.legal_entity,
                            "start_date": notice.start_date,
                            "region": notice.get_region_display,
                            "registry_url": public_url(f"/subprocessors/versions/{notice.version.number}/"),
                            "unsubscribe_url": recipient["unsubscribe_url"],
                            "object_url": recipient.get("object_url"),
                        },
                        secret=("unsubscribe_url",),
                    )
            except IntegrityError:
                sent -= 1  # another worker sent it meanwhile
    return sent


# --- Objections (SUB-4) -------------------------------------------------------------------------


@transaction.atomic
def objection_raise(*, account: Account, notice_id: Any, actor: Any, reason: str) -> Objection:
    """An Owner objects to a new sub-processor before it starts: a tracked case for staff."""
    notice = (
        Notice.objects.filter(pk=notice_id if str(notice_id).isdigit() else None)
        .filter(region__in=[account.region, ServedRegion.ALL])
        .first()
    )
    if notice is None:
        raise ValidationError(_("This notice does not exist or does not concern your account."))
    if notice.start_date <= today():
        raise ValidationError(_("The objection period has ended: the sub-processor has started."))
    if Objection.objects.filter(notice=notice, account=account).exists():
        raise ValidationError(_("Your account has already objected to this sub-processor."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please tell us why you object."))
    objection = Objection(notice=notice, account=account, raised_by=_actor(actor), reason=reason, created_at=now())
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def objection_resolve(*, objection: Objection, note: str, actor: Any) -> Objection:
    """Staff close the case; the move and who made it go to the account's audit trail."""
    return transition(objection, to=CaseStatus.RESOLVED, actor=_actor(actor), staff_note=note)


# --- DPA requests (SUB-3) -----------------------------------------------------------------------


@transaction.atomic
def dpa_request(*, account: Account, actor: Any) -> DpaRequest:
    """Ask to enter the DPA; an open request is not duplicated."""
    open_request = DpaRequest.objects.filter(account=account, status=DpaStatus.REQUESTED).first()
    if open_request is not None:
        return open_request
    request = DpaRequest(account=account, requested_by=_actor(actor), requested_at=now())
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def dpa_record_signed(*, request: DpaRequest, signed_version: str, signed_on: Any, actor: Any) -> DpaRequest:
    """SUB-3: staff record the signed version and date (core.transitions refuses a handled request)."""
    if not signed_version or not signed_on:
        raise ValidationError(_("Record the signed DPA version and the date it was signed."))
    return transition(
        request,
        to=DpaStatus.SIGNED,
        actor=_actor(actor),
        signed_version=signed_version,
        signed_on=signed_on,
        handled_by=_actor(actor),
        handled_at=now(),
    )


@transaction.atomic
def dpa_decline(*, request: DpaRequest, actor: Any) -> DpaRequest:
    return transition(request, to=DpaStatus.DECLINED, actor=_actor(actor), handled_by=_actor(actor), handled_at=now())


# --- Policy texts (ACC-14) ----------------------------------------------------------------------


@transaction.atomic
def policy_publish(*, policy: PolicyVersion, actor: Any = None) -> PolicyVersion:
    """Give a draft the next version number of its kind; published texts are never edited. The
    publication is a row of the one audit trail (`actor` None: the system, e.g. demo data)."""
    policy = PolicyVersion.objects.select_for_update().get(pk=policy.pk)
    if policy.published_at is not None:
        raise ValidationError(_("This version is already published."))
    last = (
        PolicyVersion.objects.select_for_update()
        .filter(kind=policy.kind, number__isnull=False)
        .order_by("-number")
        .first()
    )
    policy.number = (last.number + 1) if last else 1
    policy.published_at = now()
    policy.full_clean()
    policy.save()
    audit.policy_published(policy=policy, actor=actor)
    transaction.on_commit(public_pages_clear)
    return policy


@transaction.atomic
def policy_mark_seen(*, account: Account, policy: PolicyVersion, actor: Any) -> PolicySeen:
    seen, _created = PolicySeen.objects.get_or_create(
        account=account, policy=policy, defaults={"seen_by": _actor(actor), "seen_at": now()}
    )
    return seen
