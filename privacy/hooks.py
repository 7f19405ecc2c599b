"""The privacy desk's answers to the mailer's questions through core.hooks: may a marketing mail
go to this address, and its one-click unsubscribe link. Imported by PrivacyConfig.ready()."""

from core import hooks
from privacy.marketing import marketing_allowed, unsubscribe_url

hooks.marketing_allowed.register(marketing_allowed)
hooks.unsubscribe_url.register(unsubscribe_url)
