from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
        fields = ["company", "name", "street", "postcode", "city", "country", "email", "vat_number"]
        help_texts = {
            "vat_number": _(
                "EU businesses: with a VAT number confirmed by VIES you are invoiced under reverse charge."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].required = True
