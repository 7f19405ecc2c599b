"""Staff pages (the admin on the public host) with malformed dates, months, ids and numbers in
their filters and forms: an error message or an empty list, never a 500."""

import pytest
from django.contrib import admin
from django.urls import reverse

from privacy.models import PrivacyRequest
from privacy.services.intake import request_file

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    "q=" + "x" * 5000,
    "q=%E2%80%AE%F0%9F%92%A9",
    "p=99999999999999999999",
    "o=99999",
    "id=99999999999999999999",
    "id__exact=abc",
    "created_at__gte=2026-99-01",
    "month=2026-99",
    "start=2026-02-30&end=abc",
    "at__year=abc&at__month=99",
    "e=1",
]


@pytest.fixture
def staff_client(public_client, staff_user):  # type: ignore[no-untyped-def]
    public_client.force_login(staff_user)
    public_client.raise_request_exception = True  # a server error fails the test with its traceback
    return public_client


def test_every_admin_list_with_malformed_filters_answers_without_a_server_error(staff_client):
    changelists = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", urlconf="config.urls_public")
        for model in admin.site._registry
    ]
    assert len(changelists) > 20
    for url in changelists:
        for query in ODD_QUERIES:
            response = staff_client.get(f"{url}?{query}")
            assert response.status_code < 500, f"{url}?{query[:60]}"


@pytest.mark.parametrize("pk", ["99999999999999999999", "abc", "-1"])
def test_admin_change_page_of_a_malformed_id_redirects_or_404s(staff_client, pk):
    response = staff_client.get(f"/admin/accounts/account/{pk}/change/")

    assert response.status_code in {302, 404}


@pytest.mark.parametrize("months", ["abc", "99999999999999999999", "-1", "1.5"])
def test_gdpr5_extend_with_a_malformed_number_of_months_is_a_message_not_a_500(staff_client, months):
    request = request_file(kind="access", email="kari@example.org", full_name="Kari Nordmann", language="da")

    response = staff_client.post(
        f"/admin/privacy/privacyrequest/{request.pk}/act/",
        {"action": "extend", "months": months, "reason": "Complex"},
        HTTP_ACCEPT_LANGUAGE="da",
        follow=True,
    )

    assert response.status_code == 200
    assert "Angiv et helt tal på 0 eller derover." in response.content.decode()
    assert PrivacyRequest.objects.get(pk=request.pk).extended_months == 0


@pytest.mark.parametrize(
    "name", ["admin:billing_invoice_export", "admin:billing_creditnote_export", "admin:subscriptions_dashboard"]
)
@pytest.mark.parametrize(
    "query", ["start=2026-99-01&end=2026-02-30", "start=abc&end=99999999999999999999", "start=" + "9" * 5000]
)
def test_staff_period_pages_with_malformed_dates_answer_without_a_server_error(staff_client, name, query):
    response = staff_client.get(f"{reverse(name, urlconf='config.urls_public')}?{query}")

    assert response.status_code < 500


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n\x00\x00binary", b"code\nABC\x00DEF\n", b"\xff\xfe\xfa not utf-8"]
)
def test_lifetime_code_import_of_a_file_that_is_not_utf8_text_is_a_form_error(staff_client, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import LifetimeCodeBatch

    response = staff_client.post(
        reverse("admin:accounts_lifetimecodebatch_import", urlconf="config.urls_public"),
        {
            "name": "Batch",
            "redeem_by": "2027-01-01 12:00",
            "csv_file": SimpleUploadedFile("codes.csv", content, content_type="text/csv"),
        },
        HTTP_ACCEPT_LANGUAGE="da",
    )

    assert response.status_code == 200
    assert "Upload koderne som en UTF-8-tekstfil (CSV)." in response.content.decode()
    assert not LifetimeCodeBatch.objects.exists()
