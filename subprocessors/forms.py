from django import forms
from django.utils.translation import gettext_lazy as _


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("Why do you object?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
