"""A profile goes with its account: removing the account (AVG) removes the profile at once."""

from django.dispatch import receiver

from dealkennis.signals import account_removed
from people.models import Profile


@receiver(account_removed)
def remove_profile(sender, user, **kwargs):
    Profile.objects.filter(user=user).delete()
