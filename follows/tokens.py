"""The digest's unsubscribe link: signed, so it needs no login, and never expiring.

A mail can be read months later, and stopping mail must always work. The
signature (its own salt) only says which reader; what it does is at most stop
that reader's digest, so a leaked link can do no more harm than that.
"""

from django.contrib.auth import get_user_model
from django.core import signing

SALT = "follows.unsubscribe"


def unsubscribe_token(user):
    return signing.dumps({"u": user.pk}, salt=SALT, compress=False)


def user_from_token(token):
    """The reader the token was made for; None when it was changed, cut short or their account is gone."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    pk = data.get("u") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return get_user_model().objects.filter(pk=pk).first()
