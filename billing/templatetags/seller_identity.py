"""`{% seller_identity %}`: who provides the service, on every public policy page (E-commerce
Directive Art. 5(1): name, geographic address, e-mail contact, trade register entry, VAT number).

Read from the seller profile in force when the page is rendered, so the pages and the invoices
never name two companies, and a new profile shows at once on every page."""

from typing import Any

from django import template

from billing.selectors import seller_country_name, seller_profile_current

register = template.Library()


@register.inclusion_tag("includes/seller_identity.html")
def seller_identity(heading: str = "") -> dict[str, Any]:
    seller = seller_profile_current()
    return {"seller": seller, "country": seller_country_name(seller) if seller else "", "heading": heading}
