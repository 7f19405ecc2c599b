"""Public pages of the privacy desk and its Min konto page. Thin: form -> service -> redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.throttle import address_key, ip_key, refusal
from core.links import public_url
from core.paging import page_of
from privacy.forms import CodeForm, MinkontoRequestForm, RequestForm, WrittenWithdrawalForm
from privacy.marketing import marketing_allowed, unsubscribe_email
from privacy.models import Channel, ConsentPurpose, ConsentSource, PrivacyRequest, RequestKind, RequestStatus
from privacy.requirements import record_requirements
from privacy.selectors import register_summary
from privacy.services.consents import consent_give, consent_withdraw
from privacy.services.export import export_open
from privacy.services.intake import request_file
from privacy.services.verification import verification_resend, verify_by_code, verify_by_link


def _language() -> str:
    return (get_language() or "da")[:2]


def data_processing(request: HttpRequest) -> HttpResponse:
    register = register_summary(_language())
    # Art. 13(2)(e): each activity says whether giving its data is a legal or contractual requirement.
    for record, requirement in zip(register["records"], record_requirements(), strict=False):
        record["requirement"] = requirement
    return render(request, "privacy/data_processing.html", {"register": register})


def _message_page(request: HttpRequest, title: str, text: str, status: int = 200) -> HttpResponse:
    return render(request, "privacy/message.html", {"title": title, "text": text}, status=status)


def _intake_refusal(request: HttpRequest, form: RequestForm | WrittenWithdrawalForm) -> str | None:
    """Each public request mails its address a code: capped per address and per IP, the same
    answer whether or not the address is known (fails open without Redis: accounts/throttle.py)."""
    checks = [
        ("privacy_request_ip", ip_key(request)),
        ("privacy_request_address", address_key(form.cleaned_data["email"])),
    ]
    return refusal(request, checks)


def request_new(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, initial={"kind": request.GET.get("kind", RequestKind.ACCESS)})
    if request.method == "POST" and form.is_valid() and (message := _intake_refusal(request, form)):
        form.add_error(None, message)
        return render(request, "privacy/request_form.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = request_file(
                kind=data["kind"],
                email=data["email"],
                full_name=data["full_name"],
                language=_language(),
                details=data["details"],
                role=data["role"],
                company=data["company"],
                portability_target=data["portability_target"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("privacy-verify", public_id=filed.public_id)
    return render(request, "privacy/request_form.html", {"form": form})


def request_written(request: HttpRequest) -> HttpResponse:
    form = WrittenWithdrawalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and (message := _intake_refusal(request, form)):
        form.add_error(None, message)
        return render(request, "privacy/written_form.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = request_file(
                kind=RequestKind.CONSENT_WITHDRAWAL,
                channel=Channel.WRITTEN,
                email=data["email"],
                full_name=data["full_name"],
                language=_language(),
                details=data["details"],
                company=data["company"],
                processor_name=data["processor_name"],
                signature_name=data["signature_name"],
                signature_confirmed=data["signature_confirmed"],
                signed_letter=data["signed_letter"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("privacy-verify", public_id=filed.public_id)
    return render(request, "privacy/written_form.html", {"form": form})


def request_verify(request: HttpRequest, public_id: str) -> HttpResponse:
    """The code page. It shows no personal data: anyone holding the URL sees only the state."""
    filed = get_object_or_404(PrivacyRequest, public_id=public_id)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        try:
            if "resend" in request.POST:
                checks = [("privacy_resend_request", str(filed.public_id)), ("privacy_request_ip", ip_key(request))]
                if message := refusal(request, checks):
                    raise ValidationError(message)
                verification_resend(request=filed)
                messages.info(request, _("We have sent you a new code."))
                return redirect("privacy-verify", public_id=filed.public_id)
            if form.is_valid():
                verify_by_code(request=filed, code=form.cleaned_data["code"])
                return redirect("privacy-verify", public_id=filed.public_id)
        except ValidationError as exc:
            form.add_error(None, exc)
        filed.refresh_from_db()
    verified = filed.status != RequestStatus.UNVERIFIED
    return render(request, "privacy/verify.html", {"req": filed, "form": form, "verified": verified})


def verify_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        filed = verify_by_link(token=token)
    except ValidationError:
        return _message_page(
            request,
            _("The link does not work"),
            _("This link is not valid or has expired. Ask for a new code on the page of your request."),
            status=400,
        )
    return redirect("privacy-verify", public_id=filed.public_id)


def download(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    try:
        export = export_open(token=token, fmt=fmt, ip=request.META.get("REMOTE_ADDR"))
    except ValidationError:
        return _message_page(
            request,
            _("The download does not work"),
            _("This download link is not valid or has expired. Contact us if you still need your data."),
            status=404,
        )
    file = export.json_file if fmt == "json" else export.pdf_file
    return FileResponse(file.open("rb"), as_attachment=True, filename=f"my-data.{fmt}")


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click, at once (GDPR-3). GET works for the link in the e-mail, POST for mail clients'
    one-click unsubscribe (RFC 8058)."""
    email = unsubscribe_email(token)
    if email is None:
        return _message_page(
            request,
            _("The link does not work"),
            _(
                "This unsubscribe link is not valid or has expired. Turn off marketing e-mails with the switch "
                "in Min konto, or send us a request to withdraw your consent."
            ),
            status=400,
        )
    consent_withdraw(email=email, purpose=ConsentPurpose.MARKETING, source=ConsentSource.UNSUBSCRIBE)
    return _message_page(
        request,
        _("You are unsubscribed"),
        _("You will receive no more marketing e-mails from us. You can subscribe again in Min konto at any time."),
    )


@login_required
def minkonto(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = MinkontoRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = request_file(
                kind=data["kind"],
                email=user.email,
                full_name=user.full_name,
                language=_language(),
                details=data["details"],
                portability_target=data["portability_target"],
                channel=Channel.MINKONTO,
                account=request.tenant,
                logged_in_user=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if filed.status == RequestStatus.UNVERIFIED:
                messages.success(
                    request, _("Your request has been received. Confirm it with the link we have e-mailed you.")
                )
            else:
                messages.success(request, _("Your request has been received. We will answer by e-mail."))
            return redirect("privacy:minkonto")
    # GDPR-4: requests filed elsewhere under this address, and its consent, are shown only once
    # the address is proven; an unconfirmed login sees its own account's page and the notice.
    confirmed = user.email_confirmed
    # Issue 14: each list 25 to a page, the page and its count in one query (core.paging).
    own = (
        page_of(
            PrivacyRequest.objects.filter(email__iexact=user.email).order_by("-received_at", "-pk"),
            request.GET.get("page"),
        )
        if confirmed
        else []
    )
    handed = []
    if getattr(user, "role", "") == "owner":
        handed = page_of(
            PrivacyRequest.objects.filter(account=request.tenant, status=RequestStatus.HANDED_OVER),
            request.GET.get("handed"),
        )
    return render(
        request,
        "privacy/minkonto.html",
        {
            "form": form,
            "own": own,
            "handed": handed,
            "marketing": confirmed and marketing_allowed(user.email),
            "confirmed": confirmed,
            "data_processing_url": public_url("/data-processing/"),
        },
    )


@login_required
@require_POST
def minkonto_consent(request: HttpRequest) -> HttpResponse:
    """The consent switch (GDPR-3, -9): as easy to turn off as on. It speaks for the address, so
    only once the address is confirmed (GDPR-4)."""
    email = request.user.email
    if not request.user.email_confirmed:
        messages.error(request, _("Confirm your e-mail address first: open the link we e-mailed you."))
        return redirect("privacy:minkonto")
    if request.POST.get("marketing") == "on":
        consent_give(email=email, purpose=ConsentPurpose.MARKETING, source=ConsentSource.MINKONTO, is_customer=True)
        messages.success(request, _("You will receive our newsletter."))
    else:
        consent_withdraw(email=email, purpose=ConsentPurpose.MARKETING, source=ConsentSource.MINKONTO)
        messages.success(request, _("You will receive no more marketing e-mails from us."))
    return redirect("privacy:minkonto")
