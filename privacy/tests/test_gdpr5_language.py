"""GDPR-5: the outcome is written for its reader. A Norwegian requester's outcome mail is
Norwegian even when the code that closes the request runs in Danish (a Danish staff member's
admin, a job); the request stores a code, the words are made when the mail is."""

import pytest
from django.utils import translation

from privacy.models import RequestKind
from privacy.outcomes import outcome_text
from privacy.services.consents import restriction_apply
from privacy.services.erasure import erasure_run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "close", "norwegian", "danish"),
    [
        (
            RequestKind.OBJECTION,
            restriction_apply,
            "Vi bruker ikke lenger opplysningene dine til markedsføring eller profilering.",
            "Vi bruger ikke længere dine oplysninger",
        ),
        (
            RequestKind.ERASURE,
            erasure_run,
            "Personopplysningene dine er slettet.",
            "Dine personoplysninger er slettet.",
        ),
    ],
    ids=["objection", "erasure"],
)
def test_gdpr5_outcome_mail_is_in_the_requesters_language(
    verified_request, staff_user, mailoutbox, django_capture_on_commit_callbacks, kind, close, norwegian, danish
):
    # given: a request filed in Norwegian (the fixture files it with language="nb")
    request = verified_request(kind=kind)
    assert request.language == "nb"

    # when: a Danish-speaking staff member closes it
    with translation.override("da"), django_capture_on_commit_callbacks(execute=True):
        close(request=request, actor=staff_user)

    # then: the outcome mail says it in Norwegian, and nothing Danish
    mail = mailoutbox[-1]
    assert "Vi har behandlet forespørselen din" in mail.body
    assert norwegian in " ".join(mail.body.split())
    assert danish not in mail.body
    # and the stored request holds no sentence at all: its words follow the reader
    request.refresh_from_db()
    assert request.outcome == "" and request.outcome_code
    assert norwegian in " ".join(outcome_text(request).split())
    assert danish in outcome_text(request, language="da")
