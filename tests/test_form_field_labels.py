"""A form field's accessible name is its label alone: the help text sits below the field, outside
its <label>, and the field points at it with aria-describedby (templates/includes/form_field.html).
A help text inside the label made the billing details' company field answer to "Company Leave
empty if …", which a person using a screen reader hears as the field's name."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from lxml import html

from accounts.models import Account
from accounts.users.models import Role, User

pytestmark = pytest.mark.django_db


def _fields_with_help(page: str) -> list[tuple[str, str]]:
    """(the label's text, the help text) of every field the page describes with a help text."""
    tree = html.fromstring(page)
    pairs = []
    for help_element in tree.xpath("//*[contains(concat(' ', @class, ' '), ' field-help ')]"):
        help_id = help_element.get("id")
        (field,) = tree.xpath("//*[contains(concat(' ', @aria-describedby, ' '), $id)]", id=f" {help_id} ")
        (label,) = field.xpath("ancestor::label")
        # the label's words: its text without the field itself (a select's options)
        words = label.xpath(".//text()[not(ancestor::select) and not(ancestor::textarea)]")
        pairs.append((" ".join("".join(words).split()), " ".join(help_element.text_content().split())))
    return pairs


def _owner_client(account: Account) -> Client:
    client = Client(HTTP_HOST=f"{account.slug}.localhost")
    with tenant_context(account):
        client.force_login(User.objects.get(role=Role.OWNER))
    return client


def test_acc1_signup_field_names_hold_no_help_text(public_client: Client) -> None:
    pairs = _fields_with_help(public_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="da").content.decode())
    # the account address and the data region carry a help text
    assert len(pairs) == 2
    for label, help_text in pairs:
        assert help_text and help_text not in label
    assert ("Dataregion", "Dine data opbevares i denne region.") in pairs


def test_bil8_billing_details_field_names_hold_no_help_text(account_a: Account) -> None:
    page = _owner_client(account_a).get("/min-konto/billing/details/").content.decode()
    pairs = _fields_with_help(page)
    assert len(pairs) >= 4  # company, VAT number, company number, tax number, Peppol id
    for label, help_text in pairs:
        assert help_text and help_text not in label
    company = next(label for label, help_text in pairs if "privatperson" in help_text)
    assert company == "Virksomhed"


def test_gdpr3_written_withdrawal_describes_the_signed_letter_below_its_field(public_client: Client) -> None:
    page = public_client.get("/privacy/request/written/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    ((label, help_text),) = _fields_with_help(page)
    assert "PDF, PNG" in help_text and help_text not in label
    assert label == "Eller last opp et signert brev (PDF eller bilde)"
