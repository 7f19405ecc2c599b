"""Issue 10, SUB-5 / ACC-15 / ACC-12: the support entries and an account's history in the one audit
trail read in the admin as translated sentences (da and nb), never as their codes."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from accounts.lifecycle import account_suspend
from accounts.models import AccountStatus
from subprocessors.access import support_access_require
from tests.acc_helpers import make_account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "refused"), [("da", "Adgang nægtet"), ("nb", "Tilgang avvist")])
def test_sub5_acc15_support_entries_list_translated_actions_in_the_admin(staff_user, language, refused):
    account = make_account("trailview")
    with pytest.raises(PermissionDenied):
        support_access_require(account=account, actor=staff_user, purpose="Ticket 4711")
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff_user)
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = admin.get("/admin/core/auditevent/?domain__exact=support").content.decode()
    assert refused in page and "Ticket 4711" in page and staff_user.email in page
    assert "entry_refused" not in page


@pytest.mark.parametrize(("language", "changed"), [("da", "Status ændret fra"), ("nb", "Status endret fra")])
def test_acc12_account_history_in_the_admin_reads_as_sentences_never_codes(staff_user, language, changed):
    account = make_account("historyview")
    account_suspend(account=account, actor=staff_user, reason="Spam", notify=False)
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff_user)
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = admin.get(f"/admin/accounts/account/{account.pk}/change/").content.decode()
    with translation.override(language):
        trial, suspended = str(AccountStatus.TRIAL.label), str(AccountStatus.SUSPENDED.label)
    assert f"{changed} {trial} til {suspended}" in page
    assert "status:suspended" not in page and "Spam" in page
    # and the link to the whole history opens the trail filtered to this account
    whole = admin.get(f"/admin/core/auditevent/?account_id={account.pk}")
    assert whole.status_code == 200 and "Spam" in whole.content.decode()
