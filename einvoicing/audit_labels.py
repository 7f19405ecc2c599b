"""How e-invoice deliveries read in the one audit trail (core.audit), in the reader's language."""

from django.utils.translation import gettext_lazy as _

from core import audit
from einvoicing.models import DeliveryStatus

audit.register_action_states("einvoice_delivery", DeliveryStatus.choices)
audit.register_actions({"einvoice_delivery:*": _("E-invoice delivery changed from %(before)s to %(after)s")})
