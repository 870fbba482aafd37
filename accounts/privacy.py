"""Removing an account on its owner's request (AVG): what stays is anonymous.

The user row stays, emptied and inactive, because lessons, their history and
the admin's log point to it; the lessons someone shared therefore stay too,
and pages show their contributor as "een collega". Sign-in records, which
hold the username and address, are deleted.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from dealkennis.signals import account_removed


def can_remove_itself(user):
    # Staff accounts hold editorial history and rights: a superuser removes them.
    return user.is_authenticated and not user.is_staff and not user.is_superuser


def sign_in_records(username):
    return (
        AccessLog.objects.filter(username=username).count()
        + AccessAttempt.objects.filter(username=username).count()
    )


@transaction.atomic
def anonymise(user):
    old_username = user.get_username()
    user.username = f"verwijderd-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    # Also ends every other session: Django checks each session against the password's hash.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=old_username).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=user.username)
    account_removed.send(sender=type(user), user=user)
