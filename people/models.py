"""A profile: who someone is, where they work on deals and what they can help with.

Profiles are opt-in and only ever shown to signed-in colleagues: `visible_to`
is the one place that rule lives, and every page, tag and search asks it.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealkennis.models import Deal, Programme


class Role(models.TextChoices):
    # The essay's team archetypes, and the roles the programmes name besides.
    EXPERT = "expert", _("Expert")
    BUTLER = "butler", _("Butler")
    MAKELAAR = "makelaar", _("Makelaar")
    BOUNDARY_SPANNER = "boundary_spanner", _("Boundary spanner")
    JURIST = "jurist", _("Jurist")
    COORDINATOR = "coordinator", _("Coördinator")
    OTHER = "other", _("Anders")


ROLE_HELP = {
    Role.EXPERT: _("kent het dossier inhoudelijk"),
    Role.BUTLER: _("krijgt dingen voor elkaar"),
    Role.MAKELAAR: _("legt verbindingen en verkoopt de doelen van de overheid"),
    Role.BOUNDARY_SPANNER: _("werkt op de grens tussen organisaties"),
    Role.JURIST: _("kent de afspraken en hun juridische kant"),
    Role.COORDINATOR: _("koppelt deals aan de kerntaken van een ministerie"),
    Role.OTHER: _("een andere rol in de deal"),
}

MAX_TOPICS = 12


class ProfileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published profiles of active accounts, for signed-in colleagues; never for anonymous visitors."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(published=True, user__is_active=True)

    def about(self, programme=None, deal=None, topics=()):
        """Profiles that work on this programme or deal, or name one of these topics."""
        condition = Q(pk__in=[])
        if programme is not None:
            condition |= Q(programmes=programme)
        if deal is not None:
            condition |= Q(deals=deal)
        if topics:
            condition |= Q(topics__overlap=[topic.lower() for topic in topics])
        return self.filter(condition).distinct()


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("account")
    )
    name = models.CharField(_("naam"), max_length=120)
    organisation = models.CharField(_("organisatie"), max_length=160)
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="profiles", verbose_name=_("programma's")
    )
    deals = models.ManyToManyField(Deal, blank=True, related_name="profiles", verbose_name=_("deals"))
    roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices),
        default=list,
        blank=True,
        verbose_name=_("rollen"),
    )
    topics = ArrayField(
        models.CharField(max_length=60),
        default=list,
        blank=True,
        verbose_name=_("onderwerpen"),
        help_text=_("Waarmee je collega's kunt helpen, gescheiden door komma's."),
    )
    contact = models.CharField(
        _("zo bereik je mij"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld een e-mailadres, telefoonnummer of Teams-naam."),
    )
    published = models.BooleanField(_("zichtbaar voor collega's"), default=False)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")
        constraints = [
            models.CheckConstraint(condition=Q(roles__contained_by=Role.values), name="profile_roles_known"),
            models.CheckConstraint(condition=~Q(name=""), name="profile_has_name"),
        ]
        indexes = [models.Index(fields=["published"], name="profile_published")]

    def __str__(self):
        return self.name

    def role_labels(self):
        return [Role(role).label for role in self.roles]
