from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.identifiers import IDENTIFIER_FIELDS, identifiers_clean, slovak_identifiers_required
from billing.models import BillingProfile

# EU member states first (the VAT rules differ), then the countries our customers bill from.
COUNTRIES = [
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("HR", _("Croatia")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("DK", _("Denmark")),
    ("EE", _("Estonia")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("GR", _("Greece")),
    ("HU", _("Hungary")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("LV", _("Latvia")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("RO", _("Romania")),
    ("SK", _("Slovakia")),
    ("SI", _("Slovenia")),
    ("ES", _("Spain")),
    ("SE", _("Sweden")),
    ("NO", _("Norway")),
    ("IS", _("Iceland")),
    ("CH", _("Switzerland")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
    ("SG", _("Singapore")),
    ("AU", _("Australia")),
]


class BillingProfileForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES)

    class Meta:
        model = BillingProfile
        fields = ["company", "name", "street", "postcode", "city", "country", "email", "vat_number", *IDENTIFIER_FIELDS]
        help_texts = {
            "company": _("Leave empty if you buy as a private person."),
            "vat_number": _(
                "EU businesses: with a VAT number confirmed by VIES you are invoiced under reverse charge. "
                "Businesses in Norway or the UK: your MVA or UK VAT number, checked by its own format (not in VIES)."
            ),
            "company_id": _("Slovak IČO, Danish CVR number or Norwegian organisation number."),
            "tax_number": _("Slovak companies: the DIČ."),
            "peppol_id": _(
                "Only if your bookkeeping system receives Peppol e-invoices under another ID than your CVR or "
                "organisation number: the scheme (e.g. 0184) and the ID."
            ),
        }

    def clean(self) -> dict[str, Any]:
        """BIL-14: identifiers checked at entry; a Slovak company is asked for its IČO and DIČ."""
        data = super().clean()
        country = str(data.get("country") or "").upper()
        try:
            cleaned = identifiers_clean(data=data, country=country)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)
            return data
        data.update(cleaned)
        for field, error in slovak_identifiers_required(data=data, cleaned=cleaned, country=country).items():
            self.add_error(field, error)
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # BIL-8/BIL-9: a private person buys too (a consumer pays its country's VAT); the company
        # is left empty then, and the invoices name the person.
        self.fields["company"].required = False
