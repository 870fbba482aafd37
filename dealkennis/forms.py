"""Form pieces that the admin and the site's own forms share."""

from django import forms
from django.utils.translation import gettext as _
from taggit.forms import TagField
from taggit.models import Tag


def tag_length_error(names):
    """The message for a tag name longer than the tag table holds, or "" when all fit."""
    limit = Tag._meta.get_field("name").max_length
    too_long = [name for name in names if len(name) > limit]
    if not too_long:
        return ""
    return _("Een tag heeft hoogstens %(limit)s tekens; “%(name)s…” is langer.") % {
        "limit": limit,
        "name": too_long[0][:30],
    }


class BoundedTagField(TagField):
    """taggit's tag field, refusing a name the tag table cannot hold (a 500 otherwise)."""

    def clean(self, value):
        names = super().clean(value)
        if message := tag_length_error(names):
            raise forms.ValidationError(message)
        return names
