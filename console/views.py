"""The staff console's pages. Staff only: every view goes through the admin site's own login and
staff check (`admin.site.admin_view`)."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.models import Account
from console import selectors


def _context(request: HttpRequest, title: str, **extra: object) -> dict[str, object]:
    return {**admin.site.each_context(request), "title": title, **extra}


def account(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Account.all_objects, pk=pk)
    data = selectors.customer_file(customer)
    return render(request, "console/account.html", _context(request, str(customer), file=data))


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    hits = selectors.search(query)
    return render(request, "console/search.html", _context(request, _("Search"), query=query, hits=hits))


def today(request: HttpRequest) -> HttpResponse:
    return render(request, "console/today.html", _context(request, _("Today"), queue=selectors.today_queue()))
