"""Why a finalised document still waits as a draft, without a number (BIL-14, BIL-16): one
mechanism — the draft keeps its tax point and tax decision and is issued by
`billing.services.held.held_documents_issue` once what it waits for exists."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WaitingFor(models.TextChoices):
    RATE = "rate", _("the ECB exchange rate")  # BIL-16: the rate of its tax point
    IDENTIFIERS = "identifiers", _("the buyer's identifiers")  # BIL-14: a Slovak company's IČO and DIČ
