"""Min konto: invoices and credit notes for the Owner and Admins (PDF from storage), billing
details for the Owner only (BIL-8), VAT numbers checked on entry (BIL-9)."""

import pytest
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from billing.models import BillingProfile
from billing.pdf import document_pdf_store
from billing.services.documents import invoice_issue
from billing.tests.conftest import PASSWORD_FOR_TESTS, seats

pytestmark = pytest.mark.django_db


def login(client, account, role: str):  # type: ignore[no-untyped-def]
    with tenant_context(account):
        user = User.objects.filter(role=role).first() or User.objects.create_user(
            f"{role}@{account.slug}.example", PASSWORD_FOR_TESTS, full_name=f"{role.title()} Person", role=role
        )
        client.force_login(user)


@pytest.fixture
def issued(account_a, account_b, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")
    make_profile(account_b, country="NO")
    mine = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    theirs = invoice_issue(account=account_b, lines=seats(), notify=False, render_pdf=False)
    document_pdf_store(document_id=mine.pk)
    document_pdf_store(document_id=theirs.pk)
    return mine, theirs


@pytest.mark.parametrize("role,status", [(Role.OWNER, 200), (Role.ADMIN, 200), (Role.AGENT, 403)])
def test_bil11_invoice_list_is_for_owner_and_admins(client_a, account_a, issued, role, status):
    login(client_a, account_a, role)
    response = client_a.get("/min-konto/billing/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert issued[0].number in page and "Fakturaer, kreditnotaer og betalinger" in page
        assert issued[1].number not in page or issued[1].number == issued[0].number
    assert client_a.get(f"/min-konto/billing/documents/{issued[0].pk}/pdf/").status_code == status


def test_bil11_another_accounts_pdf_is_not_found(client_a, account_a, issued):
    login(client_a, account_a, Role.OWNER)
    assert client_a.get(f"/min-konto/billing/documents/{issued[1].pk}/pdf/").status_code == 404


def test_bil11_invoice_list_query_count_is_fixed(client_a, account_a, issued, django_assert_max_num_queries):
    login(client_a, account_a, Role.OWNER)
    for _ in range(3):
        invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    # session + user, documents (with credited invoice joined), profile, the menu's lookups;
    # SET search_path doubles each. Bounded: it does not grow with the number of documents.
    with django_assert_max_num_queries(20):
        assert client_a.get("/min-konto/billing/").status_code == 200


def test_bil9_invalid_vat_number_in_min_konto_is_refused_with_a_clear_message(client_a, account_a, make_profile):
    make_profile(account_a, country="DK")
    login(client_a, account_a, Role.OWNER)
    response = client_a.post(
        "/min-konto/billing/details/",
        {
            "company": "Alfa Support ApS",
            "name": "Anne Alfa",
            "street": "Andet sted 9",
            "postcode": "8000",
            "city": "Aarhus C",
            "country": "DK",
            "email": "billing@alfa.example",
            "vat_number": "DK12345678",
        },
    )
    assert response.status_code == 200
    assert "Momsnummeret er ikke gyldigt" in response.content.decode()
    assert BillingProfile.objects.get(account=account_a).street == "Havnegade 1"  # unchanged


def test_bil9_vies_down_in_min_konto_keeps_number_unverified(client_a, account_a, seller):
    login(client_a, account_a, Role.OWNER)
    response = client_a.post(
        "/min-konto/billing/details/",
        {
            "company": "Alfa Support ApS",
            "name": "Anne Alfa",
            "street": "Havnegade 1",
            "postcode": "1058",
            "city": "København K",
            "country": "DK",
            "email": "billing@alfa.example",
            "vat_number": "DK 31 41 59 26",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Dine faktureringsoplysninger er gemt." in page
    assert "VIES, EU's register over momsnumre, kunne ikke kontaktes" in page
    profile = BillingProfile.objects.get(account=account_a)
    assert (profile.vat_number, profile.vat_status) == ("DK31415926", "unverified")
