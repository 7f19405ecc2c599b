from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import RequestKind, RequestRole

# Consent withdrawal has its own written route; the others share one form.
FORM_KINDS = [(k, label) for k, label in RequestKind.choices]


def _controller_name() -> str:
    from privacy.selectors import controller

    return controller()["name"]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to do?"), choices=FORM_KINDS)
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    role = forms.ChoiceField(
        label=_("Which data is it about?"),
        choices=[
            (RequestRole.CONTROLLER, _("My data as a customer, user or subscriber of Kontoportal")),
            (RequestRole.PROCESSOR, _("My data in a helpdesk that a company runs on Kontoportal")),
        ],
        initial=RequestRole.CONTROLLER,
        widget=forms.RadioSelect,
    )
    company = forms.CharField(label=_("Company whose helpdesk holds the data"), max_length=200, required=False)
    portability_target = forms.CharField(label=_("Provider to receive your data"), max_length=200, required=False)
    details = forms.CharField(label=_("Your request"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") == RequestRole.PROCESSOR and not data.get("company"):
            self.add_error("company", _("Tell us which company's helpdesk holds your data."))
        if data.get("kind") == RequestKind.RECTIFICATION and not data.get("details"):
            self.add_error("details", _("Tell us what is wrong and what it should say."))
        return data


class WrittenWithdrawalForm(forms.Form):
    """GDPR-3: company, data subject, data processor, the written request and a signature."""

    company = forms.CharField(label=_("Company name"), max_length=200)
    full_name = forms.CharField(label=_("Data subject (your full name)"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    processor_name = forms.CharField(label=_("Data processor"), max_length=200, initial=_controller_name)
    details = forms.CharField(label=_("Your written request"), widget=forms.Textarea(attrs={"rows": 5}))
    signature_name = forms.CharField(label=_("Signature: type your full name"), max_length=200, required=False)
    signature_confirmed = forms.BooleanField(label=_("I confirm that this typed name is my signature."), required=False)
    signed_letter = forms.FileField(label=_("Or upload a signed letter (PDF or image)"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        typed = data.get("signature_name") and data.get("signature_confirmed")
        if not typed and not data.get("signed_letter"):
            raise forms.ValidationError(_("Sign by typing your name and confirming it, or upload a signed letter."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the e-mail"), max_length=12)


class MinkontoRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to do?"), choices=FORM_KINDS)
    portability_target = forms.CharField(label=_("Provider to receive your data"), max_length=200, required=False)
    details = forms.CharField(label=_("Your request"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
