"""The one-time link of an invitation.

Django's password-reset token: it hashes the user's password, so it stops
working once a password is set, and it expires after PASSWORD_RESET_TIMEOUT.
Its own salt keeps a reset link from opening an invitation and the other way round.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()
