"""GDPR-1: the controller named on the data-processing page is the seller on the invoices."""

from billing.subscriptions.tests.conftest import seller_ensure


def test_gdpr1_controller_is_the_seller_of_the_invoices(public_client):
    seller = seller_ensure()
    page = public_client.get("/data-processing/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert seller.legal_name in page
    assert seller.street in page
