"""Services of the privacy desk. Every change writes its audit row in the same transaction
(GDPR-8); nothing is disclosed, exported or erased before the requester's identity is verified
(GDPR-4) — `_require_verified` guards each of those services, whatever view or job calls them."""

import json
import secrets
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from accounts.mailer import mail_send
from accounts.models import Account
from accounts.users.models import Role, User
from config.bad_input import token_plausible
from config.clock import now, today
from privacy import registry, uploads
from privacy.links import verify_token, verify_token_matches, verify_token_read
from privacy.models import (
    AuditAction,
    AuditEvent,
    Channel,
    Consent,
    ConsentSource,
    ErasureStep,
    Export,
    PrivacyRequest,
    RequestKind,
    RequestRole,
    RequestStatus,
    SubjectFlag,
)

SYSTEM = "system"
SUBJECT = "data subject"
CODE_TTL = timedelta(hours=24)
CODE_MAX_ATTEMPTS = 5
EXPORT_TTL = timedelta(days=14)
HANDOVER_DAYS = 10
MAX_EXTENSION_MONTHS = 2

# GDPR-5 / request state machine: the only allowed moves.
TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.UNVERIFIED: {RequestStatus.OPEN},
    RequestStatus.OPEN: {RequestStatus.HANDED_OVER, RequestStatus.COMPLETED, RequestStatus.REFUSED},
    RequestStatus.HANDED_OVER: {RequestStatus.COMPLETED, RequestStatus.REFUSED},
    RequestStatus.COMPLETED: set(),
    RequestStatus.REFUSED: set(),
}


class NotVerified(PermissionDenied):
    """Raised when anything would be disclosed, exported or erased for an unverified request."""


class IllegalTransition(ValidationError):
    pass


def audit_write(*, request: PrivacyRequest | None, action: str, actor: str, **detail: Any) -> AuditEvent:
    """The one audit writer (GDPR-8). Details hold no requester address: the log outlives erasure."""
    return AuditEvent.objects.create(at=now(), request=request, action=action, actor=actor, detail=detail)


def actor_label(user: User | None) -> str:
    return f"staff:{user.email}" if user is not None else SYSTEM


def due_date(received: date, months: int = 1) -> date:
    """GDPR-5: a calendar month, month-end aware (31 Jan -> 28/29 Feb), not 30 days."""
    return received + relativedelta(months=months)


def _transition(request: PrivacyRequest, to: str, actor: str) -> None:
    if to not in TRANSITIONS[request.status]:
        raise IllegalTransition(
            _("A request that is “%(status)s” cannot become “%(to)s”.")
            % {"status": request.get_status_display(), "to": RequestStatus(to).label}
        )
    before = request.status
    request.status = to
    if to in {RequestStatus.COMPLETED, RequestStatus.REFUSED}:
        request.closed_at = now()
    audit_write(request=request, action=AuditAction.STATUS, actor=actor, before=before, after=to)


def _require_verified(request: PrivacyRequest) -> None:
    if not request.is_verified or request.status == RequestStatus.UNVERIFIED:
        raise NotVerified(_("The requester's identity has not been verified yet."))


def _require_open(request: PrivacyRequest) -> None:
    if request.status not in {RequestStatus.OPEN, RequestStatus.HANDED_OVER}:
        raise ValidationError(_("This request is not open."))


def _mail(request: PrivacyRequest, template: str, actor: str, **context: Any) -> None:
    mail_send(
        to=request.email,
        template=f"privacy/{template}",
        language=request.language,
        context={"req": request, **context},
        # Codes, verification and download links: the mail log must not hold them (issue 15).
        secret=("code", "link", "code_url", "pdf_url", "json_url"),
    )
    audit_write(request=request, action=AuditAction.MAIL, actor=actor, template=template)


def public_url(path: str) -> str:
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT not in {"", "80", "443"} else ""
    return f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{port}{path}"


# --- intake (GDPR-2, -3) and verification (GDPR-4) -------------------------------------------


@transaction.atomic
def request_file(
    *,
    kind: str,
    email: str,
    full_name: str,
    language: str,
    details: str = "",
    channel: str = Channel.PUBLIC,
    role: str = RequestRole.CONTROLLER,
    account: Account | None = None,
    company: str = "",
    processor_name: str = "",
    signature_name: str = "",
    signature_confirmed: bool = False,
    signed_letter: Any = None,
    portability_target: str = "",
    logged_in_user: User | None = None,
) -> PrivacyRequest:
    """File a request. A logged-in account user whose address is confirmed (GDPR-4: a login
    alone proves nothing about the address) asking about their own data is verified at once;
    anyone else gets a link and a one-time code by e-mail."""
    email = email.strip().lower()
    received = now()
    # Each public request mails the address a code: the views cap them per address and per IP
    # (accounts/throttle.py, settings.RATE_LIMITS).
    if role == RequestRole.PROCESSOR and account is None and company.strip():
        # The desk still decides the hand-over; a matching name saves it a look-up.
        account = Account.objects.customers().filter(name__iexact=company.strip()).first()
    request = PrivacyRequest(
        kind=kind,
        email=email,
        full_name=full_name.strip(),
        language=language if language in {"da", "nb", "en"} else "da",
        details=details,
        channel=channel,
        role=role,
        account=account,
        company=company,
        processor_name=processor_name,
        signature_name=signature_name,
        signature_confirmed=signature_confirmed,
        portability_target=portability_target,
        received_at=received,
        due_on=due_date(timezone.localdate(received)),
    )
    if signed_letter:
        # Checked here too, whatever form or caller handed it over: size and type by content.
        original_name = getattr(signed_letter, "original_name", signed_letter.name)
        uploads.letter_check(signed_letter)
        request.signed_letter = signed_letter
        request.signed_letter_name = (original_name or "")[:255]
    if kind == RequestKind.CONSENT_WITHDRAWAL and channel == Channel.WRITTEN:
        # GDPR-3: the written route carries company, subject, processor, text and a signature.
        signed = bool((signature_confirmed and signature_name) or signed_letter)
        if not (company and processor_name and details and signed):
            raise ValidationError(
                _("A written withdrawal needs the company, the data processor, your request and your signature.")
            )
    request.full_clean(exclude=["signed_letter", "code_hash"])
    request.save()
    audit_write(request=request, action=AuditAction.RECEIVED, actor=SUBJECT, kind=kind, channel=channel, role=role)
    if logged_in_user is not None and logged_in_user.email.lower() == email and logged_in_user.email_confirmed:
        _mark_verified(request, method="account_login", actor=SUBJECT)
    else:
        _send_verification(request)
    return request


def _send_verification(request: PrivacyRequest) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    request.code_hash = make_password(code)
    request.code_expires_at = now() + CODE_TTL
    request.code_attempts = 0
    request.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
    token = verify_token(request)
    _mail(
        request,
        "verify",
        SYSTEM,
        code=code,
        link=public_url(f"/privacy/verify/{token}/"),
        code_url=public_url(f"/privacy/request/{request.public_id}/"),
    )
    audit_write(request=request, action=AuditAction.VERIFICATION_SENT, actor=SYSTEM)


@transaction.atomic
def verification_resend(*, request: PrivacyRequest) -> None:
    """A new code and link (the old code stops working). The code page caps how often per
    request and per IP (accounts/throttle.py)."""
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.UNVERIFIED:
        return
    _send_verification(request)


def verify_by_code(*, request: PrivacyRequest, code: str) -> PrivacyRequest:
    wrong = False
    with transaction.atomic():
        request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.UNVERIFIED:
            return request
        if request.code_attempts >= CODE_MAX_ATTEMPTS:
            raise ValidationError(_("Too many wrong codes. Ask for a new code."))
        if request.code_expires_at is None or request.code_expires_at < now():
            raise ValidationError(_("This code has expired. Ask for a new code."))
        if check_password(code.strip(), request.code_hash):
            _mark_verified(request, method="email_code", actor=SUBJECT)
        else:
            # The failed attempt is committed before the error is raised, or the limit would
            # never be reached.
            wrong = True
            request.code_attempts += 1
            request.save(update_fields=["code_attempts"])
            audit_write(
                request=request, action=AuditAction.VERIFICATION_FAILED, actor=SUBJECT, attempt=request.code_attempts
            )
    if wrong:
        raise ValidationError(_("The code is not correct."))
    return request


@transaction.atomic
def verify_by_link(*, token: str) -> PrivacyRequest:
    """The link in the verification e-mail. Forged or expired -> ValidationError, nothing changes."""
    data = verify_token_read(token)
    try:
        request = PrivacyRequest.objects.select_for_update().get(public_id=data["r"])
    except (KeyError, TypeError, ValueError, ValidationError, PrivacyRequest.DoesNotExist) as exc:
        raise ValidationError(_("This link is not valid or has expired.")) from exc
    if request.status == RequestStatus.UNVERIFIED:
        if not verify_token_matches(data, request):
            raise ValidationError(_("This link is not valid or has expired."))
        _mark_verified(request, method="email_link", actor=SUBJECT)
    return request


def _mark_verified(request: PrivacyRequest, *, method: str, actor: str) -> None:
    request.verified_at = now()
    request.verification_method = method
    request.code_hash = ""
    _transition(request, RequestStatus.OPEN, actor)
    request.save()
    audit_write(request=request, action=AuditAction.VERIFIED, actor=actor, method=method)
    _mail(request, "received", SYSTEM)
    if request.kind == RequestKind.CONSENT_WITHDRAWAL:
        # Withdrawing must be as easy as consenting (Art. 7(3)): it takes effect now.
        consent_withdraw(email=request.email, source=ConsentSource.REQUEST, request=request)
        request_complete(request=request, outcome=_("Your consent has been withdrawn."), actor=SYSTEM)


# --- handling and deadlines (GDPR-5) -----------------------------------------------------------


@transaction.atomic
def request_assign(*, request: PrivacyRequest, owner: User, actor: User) -> None:
    before = request.owner.email if request.owner else None
    request.owner = owner
    request.save(update_fields=["owner"])
    audit_write(
        request=request, action=AuditAction.ASSIGNED, actor=actor_label(actor), before=before, after=owner.email
    )


@transaction.atomic
def request_extend(*, request: PrivacyRequest, months: int, reason: str, actor: User | None) -> PrivacyRequest:
    """GDPR-5 / Art. 12(3): once, by up to two months, only before the first deadline, with a
    reason that the requester receives."""
    _require_verified(request)
    _require_open(request)
    if request.extended_months:
        raise ValidationError(_("The deadline has already been extended once."))
    if today() > request.due_on:
        raise ValidationError(_("The deadline can only be extended before it has passed."))
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise ValidationError(_("The deadline can be extended by one or two months."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the extension; it is sent to the requester."))
    before = request.due_on
    request.extended_months = months
    request.extension_reason = reason.strip()
    # Counted from receipt, so month ends stay right (31 Jan + 3 months = 30 Apr).
    request.due_on = due_date(timezone.localdate(request.received_at), 1 + months)
    request.save(update_fields=["extended_months", "extension_reason", "due_on"])
    audit_write(
        request=request,
        action=AuditAction.EXTENDED,
        actor=actor_label(actor),
        before=before.isoformat(),
        after=request.due_on.isoformat(),
        reason=request.extension_reason,
    )
    _mail(request, "extended", actor_label(actor))
    return request


@transaction.atomic
def request_refuse(*, request: PrivacyRequest, reason: str, actor: User | None) -> PrivacyRequest:
    """Art. 12(4): the requester is told why and of the right to complain."""
    _require_open(request)
    if not reason.strip():
        raise ValidationError(_("A refusal needs a reason; it is sent to the requester."))
    request.refusal_reason = reason.strip()
    _transition(request, RequestStatus.REFUSED, actor_label(actor))
    request.save()
    _mail(request, "refused", actor_label(actor))
    return request


@transaction.atomic
def request_complete(*, request: PrivacyRequest, outcome: str, actor: User | str | None) -> PrivacyRequest:
    _require_verified(request)
    label = actor if isinstance(actor, str) else actor_label(actor)
    request.outcome = outcome.strip()
    _transition(request, RequestStatus.COMPLETED, label)
    request.save()
    _mail(request, "completed", label)
    return request


@transaction.atomic
def request_hand_over(*, request: PrivacyRequest, account: Account, actor: User | None) -> PrivacyRequest:
    """GDPR-2: data in a customer's helpdesk is the customer's; its Owner answers, we help and
    track the deadline (Art. 28(3)(e))."""
    _require_verified(request)
    request.role = RequestRole.PROCESSOR
    request.account = account
    request.handover_due_on = min(request.due_on, today() + timedelta(days=HANDOVER_DAYS))
    _transition(request, RequestStatus.HANDED_OVER, actor_label(actor))
    request.save()
    with tenant_context(account):
        owner = User.objects.filter(role=Role.OWNER).first()
        owner_email, owner_language = (owner.email, owner.language) if owner else (None, account.language)
    if owner_email:
        mail_send(
            to=owner_email,
            template="privacy/handover",
            language=owner_language,
            context={"req": request, "account": account},
            account=account,
        )
    audit_write(
        request=request,
        action=AuditAction.HANDED_OVER,
        actor=actor_label(actor),
        account=account.slug,
        due=request.handover_due_on.isoformat(),
    )
    return request


# --- consents (GDPR-9) and marketing stops ------------------------------------------------------


@transaction.atomic
def consent_give(*, email: str, purpose: str, source: str, is_customer: bool = False) -> Consent:
    email = email.strip().lower()
    live = Consent.objects.filter(email=email, purpose=purpose, withdrawn_at__isnull=True).first()
    if live:
        return live
    consent = Consent(email=email, purpose=purpose, source=source, given_at=now(), is_customer=is_customer)
    consent.full_clean()
    consent.save()
    audit_write(request=None, action=AuditAction.CONSENT, actor=source, purpose=purpose, change="given")
    return consent


@transaction.atomic
def consent_withdraw(
    *, email: str, source: str, purpose: str | None = None, request: PrivacyRequest | None = None
) -> int:
    """Takes effect at once: the mailer asks `marketing_allowed` before every marketing send."""
    live = Consent.objects.filter(email=email.strip().lower(), withdrawn_at__isnull=True)
    if purpose:
        live = live.filter(purpose=purpose)
    n = live.update(withdrawn_at=now(), withdrawn_source=source)
    if n:
        audit_write(
            request=request, action=AuditAction.CONSENT, actor=source, purpose=purpose or "all", change="withdrawn"
        )
    return n


@transaction.atomic
def restriction_apply(*, request: PrivacyRequest, actor: User | None) -> PrivacyRequest:
    """Restriction and objection stop marketing and profiling for the person (GDPR-6)."""
    _require_verified(request)
    _require_open(request)
    kind = SubjectFlag.Kind.OBJECTION if request.kind == RequestKind.OBJECTION else SubjectFlag.Kind.RESTRICTION
    SubjectFlag.objects.get_or_create(email=request.email, kind=kind, defaults={"since": now(), "request": request})
    audit_write(request=request, action=AuditAction.RESTRICTED, actor=actor_label(actor), kind=kind)
    return request_complete(
        request=request, outcome=_("We no longer use your data for marketing or profiling."), actor=actor
    )


@transaction.atomic
def rectification_apply(*, request: PrivacyRequest, field: str, value: str, actor: User | None) -> int:
    """An audited edit: before and after go to the log, in every schema where the person is."""
    _require_verified(request)
    _require_open(request)
    if field != "full_name" or not value.strip():
        raise ValidationError(_("Only the full name can be corrected here, and it cannot be empty."))
    changed = 0
    for source, schema, account in _walk():
        if source.rectify is None:
            continue
        with _in_schema(account):
            changes = source.rectify(request.email, field, value.strip())
        for before, after in changes:
            audit_write(
                request=request,
                action=AuditAction.RECTIFIED,
                actor=actor_label(actor),
                source=source.key,
                schema=schema,
                field=field,
                before=before,
                after=after,
            )
            changed += 1
    return changed


# --- export (GDPR-6) ------------------------------------------------------------------------------


class _Public:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _in_schema(account: Account | None) -> Any:
    return tenant_context(account) if account is not None else _Public()


def _walk() -> list[tuple[registry.Source, str, Account | None]]:
    """Every (source, schema) pair: public sources once, account sources in every customer account."""
    accounts = list(Account.objects.customers().order_by("id"))
    pairs: list[tuple[registry.Source, str, Account | None]] = []
    for source in registry.sources():
        if source.scope == registry.Scope.PUBLIC:
            pairs.append((source, "public", None))
        else:
            pairs.extend((source, a.schema_name, a) for a in accounts)
    return pairs


def subject_data_collect(email: str) -> dict[str, Any]:
    """Everything held about one address, public schema and every account schema. Each
    queryset is evaluated inside its schema (a lazy one would run in the wrong schema)."""
    email = email.strip().lower()
    places = []
    for source, schema, account in _walk():
        with _in_schema(account):
            records = source.collect(email)
        if records:
            places.append(
                {
                    "source": source.key,
                    "label": str(source.label),
                    "schema": schema,
                    "account": account.name if account else None,
                    "kept_by_law": str(source.kept_reason) if source.kept_reason else None,
                    "records": records,
                }
            )
    return {
        "format": "kontoportal-subject-export",
        "version": 1,
        "generated_at": now().isoformat(),
        "subject": email,
        "schema": registry.describe(),
        "data": places,
    }


@transaction.atomic
def export_create(*, request: PrivacyRequest, actor: User | None) -> Export:
    """Access / portability: JSON with its described schema plus a readable PDF with the
    Art. 15 cover letter, behind an expiring, revocable link."""
    _require_verified(request)
    _require_open(request)
    if request.kind not in {RequestKind.ACCESS, RequestKind.PORTABILITY}:
        raise ValidationError(_("Only access and portability requests are answered with an export."))
    from privacy.pdf import export_pdf_render

    data = subject_data_collect(request.email)
    pdf = export_pdf_render(request=request, data=data)
    token = secrets.token_urlsafe(32)
    export = Export(request=request, token=token, created_at=now(), expires_at=now() + EXPORT_TTL)
    export.json_file.save(
        f"{request.public_id}-{token[:8]}.json",
        ContentFile(json.dumps(data, ensure_ascii=False, indent=2).encode()),
        save=False,
    )
    export.pdf_file.save(f"{request.public_id}-{token[:8]}.pdf", ContentFile(pdf), save=False)
    export.save()
    audit_write(
        request=request,
        action=AuditAction.EXPORTED,
        actor=actor_label(actor),
        export=export.pk,
        places=len(data["data"]),
        records=sum(len(p["records"]) for p in data["data"]),
    )
    _mail(
        request,
        "export_ready",
        actor_label(actor),
        json_url=public_url(f"/privacy/download/{token}/json/"),
        pdf_url=public_url(f"/privacy/download/{token}/pdf/"),
        expires_at=export.expires_at,
    )
    request_complete(request=request, outcome=_("Your data has been sent to you as a download."), actor=actor)
    return export


@transaction.atomic
def export_open(*, token: str, fmt: str, ip: str | None) -> Export:
    """A download: expired, revoked or unknown links disclose nothing; each use is logged."""
    if not token_plausible(token):
        raise ValidationError(_("This download link is not valid or has expired."))
    export = Export.objects.select_for_update().select_related("request").filter(token=token).first()
    if export is None or export.revoked_at or export.expires_at < now() or fmt not in {"json", "pdf"}:
        raise ValidationError(_("This download link is not valid or has expired."))
    _require_verified(export.request)
    export.downloads += 1
    export.save(update_fields=["downloads"])
    audit_write(
        request=export.request, action=AuditAction.DOWNLOADED, actor=SUBJECT, export=export.pk, format=fmt, ip=ip
    )
    return export


@transaction.atomic
def export_revoke(*, export: Export, actor: User | None) -> None:
    if export.revoked_at:
        return
    export.revoked_at = now()
    export.save(update_fields=["revoked_at"])
    audit_write(request=export.request, action=AuditAction.LINK_REVOKED, actor=actor_label(actor), export=export.pk)


# --- erasure (GDPR-6) -----------------------------------------------------------------------------


def erasure_run(*, request: PrivacyRequest, actor: User | None) -> PrivacyRequest:
    """Erase or anonymise the person everywhere except what law keeps, one source and schema per
    transaction. An interrupted run is resumed by calling it again: finished steps are skipped."""
    _require_verified(request)
    _require_open(request)
    if request.kind != RequestKind.ERASURE:
        raise ValidationError(_("Only an erasure request erases data."))
    done = set(request.erasure_steps.values_list("source", "schema_name"))
    for source, schema, account in _walk():
        if (source.key, schema) in done:
            continue
        with transaction.atomic():
            with _in_schema(account):
                if source.erase is None:
                    result = {"kept": len(source.collect(request.email)), "reason": str(source.kept_reason)}
                else:
                    outcome = source.erase(request.email)
                    result = {"deleted": outcome.deleted, "anonymised": outcome.anonymised}
            ErasureStep.objects.create(
                request=request, source=source.key, schema_name=schema, done_at=now(), result=result
            )
    return _erasure_finish(request=request, actor=actor)


@transaction.atomic
def _erasure_finish(*, request: PrivacyRequest, actor: User | None) -> PrivacyRequest:
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_closed:
        return request
    steps = list(request.erasure_steps.all())
    kept: dict[str, dict[str, Any]] = {}
    for step in steps:
        if "kept" in step.result and step.result["kept"]:
            entry = kept.setdefault(step.source, {"records": 0, "reason": step.result["reason"]})
            entry["records"] += step.result["kept"]
    audit_write(
        request=request,
        action=AuditAction.ERASED,
        actor=actor_label(actor),
        deleted=sum(s.result.get("deleted", 0) for s in steps),
        anonymised=sum(s.result.get("anonymised", 0) for s in steps),
        kept=kept,
    )
    # The law keeps some records; say which and why.
    lines = [_("Your personal data has been erased.")]
    lines += [f"{source}: {info['reason']}" for source, info in kept.items()]
    return request_complete(request=request, outcome="\n".join(lines), actor=actor)


# --- housekeeping ---------------------------------------------------------------------------------


def requests_unverified_stale(at: Any) -> Any:
    return PrivacyRequest.objects.filter(status=RequestStatus.UNVERIFIED, received_at__lt=at - timedelta(days=30))


@transaction.atomic
def request_purge(*, request: PrivacyRequest) -> None:
    """GDPR-4: an unverified request is deleted after 30 days; its audit rows stay (no address)."""
    if request.status != RequestStatus.UNVERIFIED:
        raise ValidationError("only unverified requests are purged")
    audit_write(request=request, action=AuditAction.PURGED, actor=SYSTEM, kind=request.kind)
    # GDPR-7: the uploaded letter goes with its request.
    uploads.letter_delete_on_commit(request.signed_letter.name)
    request.delete()
