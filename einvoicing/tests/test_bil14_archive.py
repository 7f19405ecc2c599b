"""BIL-14 archive: the XML is stored once with its SHA-256 and the database refuses to change or
delete it (whoever asks); the Owner downloads it in Min konto, staff in the admin and the API,
exactly as archived."""

import hashlib

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from billing.tests.conftest import PASSWORD_FOR_TESTS
from einvoicing.delivery import delivery_attempt, delivery_plan
from einvoicing.models import EInvoice
from einvoicing.tests.bil14_helpers import (
    issued_invoice,
    own_media,  # noqa: F401 - a fixture
    seller_ready,  # noqa: F401 - a fixture
    slovak_business,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seller_ready", "own_media")]


@pytest.fixture
def archived(account_a) -> EInvoice:  # type: ignore[no-untyped-def]
    slovak_business(account_a)
    return EInvoice.objects.get(document=issued_invoice(account_a))


def test_bil14_archived_xml_carries_its_hash(archived):
    assert archived.is_valid
    assert hashlib.sha256(archived.ubl_xml.encode()).hexdigest() == archived.ubl_sha256
    assert hashlib.sha256(archived.cii_xml.encode()).hexdigest() == archived.cii_sha256
    assert archived.document.number in archived.ubl_xml


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE einvoicing_einvoice SET ubl_xml = 'changed' WHERE id = %s",
        "UPDATE einvoicing_einvoice SET findings = '[]' WHERE id = %s",
        "DELETE FROM einvoicing_einvoice WHERE id = %s",
    ],
)
def test_bil14_archived_einvoice_cannot_be_changed_or_deleted(archived, statement):
    with pytest.raises((IntegrityError, InternalError, DatabaseError), match="BIL-14"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [archived.pk])
    with pytest.raises((IntegrityError, InternalError, DatabaseError)):
        with transaction.atomic():
            EInvoice.objects.filter(pk=archived.pk).update(cii_xml="changed")
    assert EInvoice.objects.get(pk=archived.pk).ubl_sha256 == archived.ubl_sha256


def _owner_login(client, account):  # type: ignore[no-untyped-def]
    with tenant_context(account):
        user = User.objects.filter(role=Role.OWNER).first() or User.objects.create_user(
            f"owner@{account.slug}.example", PASSWORD_FOR_TESTS, full_name="Owner", role=Role.OWNER
        )
        client.force_login(user)


def test_bil14_owner_downloads_the_archived_xml_in_min_konto(archived, client_a, client_b, account_a, account_b):
    _owner_login(client_a, account_a)
    for syntax, text in (("ubl", archived.ubl_xml), ("cii", archived.cii_xml)):
        response = client_a.get(f"/min-konto/billing/documents/{archived.document_id}/xml/{syntax}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/xml"
        assert response.content == text.encode()
    # another account's Owner: not found
    _owner_login(client_b, account_b)
    assert client_b.get(f"/min-konto/billing/documents/{archived.document_id}/xml/ubl/").status_code == 404


def test_bil14_staff_api_links_the_xml_and_the_delivery_status(archived, public_client, staff_user):
    delivery_plan(document_id=archived.document_id)
    public_client.force_login(staff_user)
    document = public_client.get(f"/api/v1/invoices/{archived.document_id}/").json()
    einvoice = document["einvoice"]
    assert einvoice["delivery_status"] == "queued"
    assert einvoice["ubl_sha256"] == archived.ubl_sha256
    ubl = public_client.get(einvoice["ubl_url"])
    assert ubl.status_code == 200 and ubl.content == archived.ubl_xml.encode()
    detail = public_client.get(f"/api/v1/e-invoices/{archived.document_id}/").json()
    assert detail["ubl_status"] == "valid" and detail["delivery"]["status"] == "queued"
    assert public_client.get(einvoice["cii_url"]).content == archived.cii_xml.encode()


def test_bil14_staff_download_the_xml_in_the_admin(archived, public_client, staff_user):
    public_client.force_login(staff_user)
    page = public_client.get(f"/admin/einvoicing/einvoice/{archived.pk}/change/")
    assert page.status_code == 200
    response = public_client.get(f"/admin/einvoicing/einvoice/{archived.pk}/xml/cii/")
    assert response.content == archived.cii_xml.encode()


def test_bil14_min_konto_shows_the_delivery_status_next_to_the_document(archived, client_a, account_a):
    delivery_attempt(delivery_id=delivery_plan(document_id=archived.document_id).pk)
    _owner_login(client_a, account_a)
    page = client_a.get("/min-konto/billing/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    row = page[page.index(archived.document.number) :]
    row = row[: row.index("</tr>")]
    assert "Leveret" in row  # delivered, in the account's language
    assert f"/min-konto/billing/documents/{archived.document_id}/xml/ubl/" in row
    assert f"/min-konto/billing/documents/{archived.document_id}/xml/cii/" in row
