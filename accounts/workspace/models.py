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
