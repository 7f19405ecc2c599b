"""Access and portability (GDPR-6): everything held about one address, as JSON with its
described schema plus a readable PDF, behind an expiring, revocable link."""

import json
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.users.models import User
from config.bad_input import token_plausible
from config.clock import now
from core.across import model_rows
from core.links import public_url
from core.personal_data import Across
from privacy import outcomes, registry
from privacy.audit import SUBJECT, actor_label, audit_write
from privacy.models import AuditAction, Export, PrivacyRequest, RequestKind
from privacy.pdf import export_pdf_render
from privacy.services.common import EXPORT_TTL, requester_mail, require_open, require_verified
from privacy.services.deadlines import request_complete
from privacy.services.places import in_schema


def across_for(email: str, accounts: list[Account]) -> Across:
    """The address's rows in every account's users table, by one UNION ALL over the schemas."""
    schemas = {a.pk: a.schema_name for a in accounts}
    users = model_rows(User, schemas, where="UPPER(t.email::text) = UPPER(%s)", params=[email])
    return Across(email=email, accounts=accounts, schemas=schemas, users=users)


def _place(source: registry.Source, schema: str, account: Account | None, records: list[Any]) -> dict[str, Any]:
    return {
        "source": source.key,
        "label": str(source.label),
        "schema": schema,
        "account": account.name if account else None,
        "kept_by_law": str(source.kept_reason) if source.kept_reason else None,
        "records": records,
    }


def subject_data_collect(email: str) -> dict[str, Any]:
    """Everything held about one address, public schema and every account schema. A source with
    `collect_across` reads every account schema in one query (issue 14: no schema switch per
    account); any other account source runs inside each schema (a lazy queryset would run in
    the wrong one). Labels are in the active language: the export runs it under the requester's."""
    email = email.strip().lower()
    accounts = list(Account.objects.customers().order_by("id"))
    across = across_for(email, accounts)
    places = []
    for source in registry.sources():
        if source.scope == registry.Scope.PUBLIC:
            if records := source.collect(email):
                places.append(_place(source, "public", None, records))
        elif source.collect_across is not None:
            by_account = source.collect_across(across)
            places.extend(_place(source, a.schema_name, a, by_account[a.pk]) for a in accounts if by_account.get(a.pk))
        else:
            for account in accounts:
                with in_schema(account):
                    records = source.collect(email)
                if records:
                    places.append(_place(source, account.schema_name, account, records))
    return {
        "format": "kontoportal-subject-export",
        "version": 1,
        "generated_at": now().isoformat(),
        "subject": email,
        "schema": registry.describe(),
        "data": places,
    }


def export_create(*, request: PrivacyRequest, actor: User | None) -> Export:
    """Access / portability: JSON with its described schema plus a readable PDF with the
    Art. 15 cover letter, behind an expiring, revocable link."""
    require_verified(request)
    require_open(request)
    if request.kind not in {RequestKind.ACCESS, RequestKind.PORTABILITY}:
        raise ValidationError(_("Only access and portability requests are answered with an export."))
    # Written for the requester, whoever presses the button: labels and reasons in their language.
    # Collected and rendered before the transaction: reading every account schema takes a lock
    # on each table it reads until the transaction ends, and 1,000 schemas' worth of locks held
    # at once exceed PostgreSQL's lock table (max_locks_per_transaction).
    with translation.override(request.language):
        data = subject_data_collect(request.email)
    pdf = export_pdf_render(request=request, data=data)
    with transaction.atomic():
        return _export_store(request=request, actor=actor, data=data, pdf=pdf)


def _export_store(*, request: PrivacyRequest, actor: User | None, data: dict[str, Any], pdf: bytes) -> Export:
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
    requester_mail(
        request,
        "export_ready",
        actor_label(actor),
        json_url=public_url(f"/privacy/download/{token}/json/"),
        pdf_url=public_url(f"/privacy/download/{token}/pdf/"),
        expires_at=export.expires_at,
    )
    request_complete(request=request, outcome_code=outcomes.EXPORTED, actor=actor)
    return export


@transaction.atomic
def export_open(*, token: str, fmt: str, ip: str | None) -> Export:
    """A download: expired, revoked or unknown links disclose nothing; each use is logged."""
    if not token_plausible(token):
        raise ValidationError(_("This download link is not valid or has expired."))
    export = Export.objects.select_for_update().select_related("request").filter(token=token).first()
    if export is None or export.revoked_at or export.expires_at < now() or fmt not in {"json", "pdf"}:
        raise ValidationError(_("This download link is not valid or has expired."))
    require_verified(export.request)
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
