from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy.models import RequestKind, RequestRole
from privacy.selectors import controller
from privacy.uploads import letter_check

# Every identity field has a bound: the model's column, or a sane size for free text.
EMAIL_MAX = 254
TEXT_MAX = 5000

# Consent withdrawal has its own written route; the others share one form.
FORM_KINDS = [(k, label) for k, label in RequestKind.choices]


def _controller_name() -> str:
    return controller()["name"]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to do?"), choices=FORM_KINDS)
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=EMAIL_MAX)
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
    details = forms.CharField(
        label=_("Your request"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=TEXT_MAX
    )

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
    email = forms.EmailField(label=_("Your e-mail address"), max_length=EMAIL_MAX)
    processor_name = forms.CharField(label=_("Data processor"), max_length=200, initial=_controller_name)
    details = forms.CharField(
        label=_("Your written request"), widget=forms.Textarea(attrs={"rows": 5}), max_length=TEXT_MAX
    )
    signature_name = forms.CharField(label=_("Signature: type your full name"), max_length=200, required=False)
    signature_confirmed = forms.BooleanField(label=_("I confirm that this typed name is my signature."), required=False)
    signed_letter = forms.FileField(
        label=_("Or upload a signed letter (PDF or image)"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Set per request: the help text is in the reader's language.
        self.fields["signed_letter"].help_text = gettext("PDF, PNG or JPEG, at most %(max)s MB.") % {
            "max": settings.UPLOAD_MAX_MB
        }

    def clean_signed_letter(self):  # type: ignore[no-untyped-def]
        letter = self.cleaned_data.get("signed_letter")
        if letter:
            original = letter.name
            letter_check(letter)
            letter.original_name = original[:255]
        return letter

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
    details = forms.CharField(
        label=_("Your request"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=TEXT_MAX
    )
