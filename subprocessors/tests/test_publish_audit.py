"""Issue 10, ACC-14 / SUB-1: publishing a policy text or a registry version is a row of the one
audit trail, with who published it, and reads as a translated sentence."""

import pytest
from django.utils import translation

from core.audit import describe
from core.models import ActorKind, AuditDomain, AuditEvent
from subprocessors.models import PolicyVersion
from subprocessors.services import policy_publish

pytestmark = pytest.mark.django_db


def test_acc14_publishing_a_policy_text_is_in_the_audit_trail_with_who_did_it(staff_user):
    draft = PolicyVersion.objects.create(
        kind="terms",
        title_en="T",
        title_da="T",
        title_nb="T",
        body_en="b",
        body_da="b",
        body_nb="b",
        effective_date="2026-12-01",
    )
    published = policy_publish(policy=draft, actor=staff_user)
    row = AuditEvent.objects.get(action="policy_published", subject_id=str(draft.pk))
    assert (row.domain, row.actor_kind, row.actor_label) == (AuditDomain.REGISTRY, ActorKind.STAFF, staff_user.email)
    assert row.params["number"] == published.number
    with translation.override("da"):
        assert describe(row) == f"Vilkårstekst offentliggjort som version {published.number}"
    with translation.override("nb"):
        assert describe(row) == f"Vilkårstekst publisert som versjon {published.number}"
