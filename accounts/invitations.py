"""Inviting a colleague: an account without a password, and a mail with a one-time link to choose one."""

import datetime
import logging
import re
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import invitation_tokens

logger = logging.getLogger(__name__)


def username_for(email):
    """The username of an invited account: the e-mail address, in the characters Django allows."""
    return re.sub(r"[^\w.@+-]", "", email.strip().lower())[:150]


def create_invited_user(email, first_name="", last_name=""):
    """A reader's account that cannot sign in until the invitation's link sets a password."""
    user = get_user_model()(
        username=username_for(email), email=email.strip(), first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.save()
    return user


def invitation_url(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("invitation", args=[uid, invitation_tokens.make_token(user)])


def send_invitation(user, inviter):
    """Mail the link; returns False (and logs) when the mail server fails, so the caller can say so."""
    valid_until = timezone.localtime() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    # We know no language per user: the site's own language, Dutch.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "inviter": inviter.get_full_name() or inviter.get_username(),
            "url": invitation_url(user),
            "login_url": settings.SITE_URL + reverse("login"),
            "valid_until": valid_until,
        }
        subject = " ".join(render_to_string("accounts/invitation_subject.txt", context).split())
        body = render_to_string("accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not mail the invitation to %s.", user.email)
        return False
    return True
