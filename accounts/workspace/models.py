from django.db import models
from django.utils.translation import gettext_lazy as _


class UsageSnapshot(models.Model):
    """The account's user count as seen by the daily `record_user_counts` job."""

    day = models.DateField(_("day"), unique=True)
    user_count = models.PositiveIntegerField(_("users"))
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("usage snapshot")
        verbose_name_plural = _("usage snapshots")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.user_count}"


class LoginRecord(models.Model):
    """ACC-8: each login's device (user agent + a long-lived cookie id) and network (IPv4 /24 or
    IPv6 /48). Personal data of the account's team; lives and dies with the account's schema."""

    user = models.ForeignKey("users.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="logins")
    at = models.DateTimeField(_("logged in"), db_index=True)
    last_seen_at = models.DateTimeField(_("last seen"))
    device_id = models.CharField(_("device id"), max_length=64)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    network = models.CharField(_("network"), max_length=64)

    class Meta:
        verbose_name = _("login")
        verbose_name_plural = _("logins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M} {self.network}"


class Invitation(models.Model):
    """ACC-9: an invitation by e-mail to join the account's team as Admin or Agent."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16)
    token = models.CharField(_("token"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        "users.User", verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=models.Q(accepted_at__isnull=True), name="one_open_invitation_per_email"
            )
        ]

    def __str__(self) -> str:
        return self.email
