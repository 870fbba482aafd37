"""`manage.py create_coordinator`: an account with the coordinator or editor role."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dealkennis.roles import COORDINATOR, EDITOR


class Command(BaseCommand):
    help = "Create (or update) an account with the Coördinator or Redacteur role and admin access."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--editor", action="store_true", help="Give the Redacteur role (cannot publish) instead."
        )
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable instead of asking for it.",
        )

    @transaction.atomic
    def handle(self, username, email, editor, password_from_env, **options):
        import os

        if password_from_env:
            password = os.environ.get(password_from_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_from_env} is empty or missing.")
        else:
            password = getpass.getpass("Wachtwoord: ")
            if password != getpass.getpass("Wachtwoord (nogmaals): "):
                raise CommandError("The passwords do not match.")
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.is_staff = True
        if email:
            user.email = email
        user.save()
        role = EDITOR if editor else COORDINATOR
        user.groups.add(Group.objects.get(name=role))
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username} with the role {role}."))
