"""What a reader follows, how often they want the digest, and which digests went out.

A follow is a topic (`follows.topics`) stored as its kind and a canonical
query string, so one matching rule serves programmes, tags, matrix cells and
saved searches alike.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PROGRAMME = "programme", _("Programma")
    TAG = "tag", _("Tag")
    CELL = "cell", _("Vak van de leermatrix")
    SEARCH = "search", _("Zoekopdracht")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Wekelijks")
    DAILY = "daily", _("Dagelijks")
    NONE = "none", _("Geen e-mail")


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("lezer")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    # The topic as a canonical query string ("programme=green-deals", "order=first&level=task").
    key = models.TextField(_("wat"))
    created_at = models.DateTimeField(_("sinds"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "key"]
        verbose_name = _("gevolgd onderwerp")
        verbose_name_plural = _("gevolgde onderwerpen")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="follows_follow_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="follows_follow_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.key}"


class Subscription(models.Model):
    """A reader's digest setting; created with the first follow, weekly unless they choose otherwise."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_subscription",
        verbose_name=_("lezer"),
    )
    frequency = models.CharField(
        _("e-mail met nieuws"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement op de samenvatting")
        verbose_name_plural = _("abonnementen op de samenvatting")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values),
                name="follows_subscription_frequency_valid",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class Delivery(models.Model):
    """One digest period handled for one reader; its end is the reader's "sent up to" mark.

    Written in the same transaction as the mail is handed to the SMTP server,
    so a period is either recorded and sent, or neither (see `follows.digest`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    period_start = models.DateTimeField(_("van"))
    period_end = models.DateTimeField(_("tot"))
    # 0: nothing new in the period, so no mail was sent.
    items = models.PositiveIntegerField(_("items"), default=0)
    sent_at = models.DateTimeField(_("verwerkt"), auto_now_add=True)

    class Meta:
        ordering = ["-period_end"]
        verbose_name = _("verstuurde samenvatting")
        verbose_name_plural = _("verstuurde samenvattingen")
        constraints = [
            models.UniqueConstraint(fields=["user", "period_end"], name="follows_delivery_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="follows_delivery_period"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.period_start:%Y-%m-%d} - {self.period_end:%Y-%m-%d}"


def forget_user(sender, user, **kwargs):
    Follow.objects.filter(user=user).delete()
    Subscription.objects.filter(user=user).delete()
