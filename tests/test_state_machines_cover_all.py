"""Issue 10: every status of the project is a declared state machine, and every declared machine is
walked by a parametrized test that proves each undeclared move raises and changes nothing.

The walks live beside their apps' fixtures (accounts/subscriptions, billing documents, privacy
desk); this module proves together they cover every machine `core.transitions` knows, so a new
machine without a walk, or a new status field outside `transition()`, fails here."""

from django.apps import apps
from django.db import models

from billing.subscriptions.tests.test_core_state_machines import MACHINES as ACCOUNT_AND_SUBSCRIPTION_MACHINES
from billing.tests.test_state_machines import MACHINES as DOCUMENT_MACHINES
from core.transitions import allowed_moves, declared_models
from einvoicing.tests.test_bil14_delivery_states import MACHINES as DELIVERY_MACHINES
from privacy.tests.test_state_machines import MACHINES as PRIVACY_MACHINES

PROJECT_APPS = {"accounts", "billing", "einvoicing", "privacy", "subprocessors", "core"}

# Status-like fields that are not a business state, each with the reason.
NOT_STATE_MACHINES = {
    (
        "accounts.MailLog",
        "status",
    ): "a delivery record written by the delivery worker; retries make every value reachable",
    ("billing.BillingProfile", "vat_status"): "the latest VIES answer: a new VAT number may lead to any value",
    ("billing.Document", "status"): "the table behind the Invoice and CreditNote proxies, which declare the moves",
    ("einvoicing.EInvoice", "ubl_status"): "the validation result, written once with the archived XML, never moved",
    ("einvoicing.EInvoice", "cii_status"): "the validation result, written once with the archived XML, never moved",
}


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.split(".")[0] in PROJECT_APPS]


def is_machine(model: type[models.Model]) -> bool:
    return model in declared_models() or getattr(model, "TRANSITIONS", None) is not None


def test_issue10_every_declared_state_machine_is_walked():
    walked = {*ACCOUNT_AND_SUBSCRIPTION_MACHINES, *DOCUMENT_MACHINES, *DELIVERY_MACHINES, *PRIVACY_MACHINES}
    declared = {model for model in project_models() if is_machine(model)}
    assert declared - walked == set(), "declared machines no parametrized test walks"
    for model in walked:
        assert allowed_moves(model), model


def test_issue10_every_status_field_is_a_declared_state_machine():
    outside = []
    for model in project_models():
        for field in model._meta.concrete_fields:
            if not field.choices or "status" not in field.name:
                continue
            if is_machine(model) or (model._meta.label, field.name) in NOT_STATE_MACHINES:
                continue
            outside.append(f"{model._meta.label}.{field.name}")
    assert outside == [], "status fields that do not move through core.transitions"
