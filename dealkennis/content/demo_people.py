"""The demo's fictional colleagues for "Wie is wie": accounts that cannot sign in, with a profile each."""

from django.contrib.auth import get_user_model

from people.models import Profile


def load_demo_people(entries, programmes, deals) -> int:
    """Create the fictional profiles (said so in their names); returns how many."""
    User = get_user_model()
    made = 0
    for entry in entries:
        user = User(username=entry["username"], first_name=entry["name"], is_active=True)
        # Nobody signs in as a demo colleague.
        user.set_unusable_password()
        user.save()
        profile = Profile(
            user=user,
            name=entry["name"],
            organisation=entry["organisation"],
            roles=entry["roles"],
            topics=entry["topics"],
            contact=entry["contact"],
            published=True,
        )
        profile.full_clean(exclude=["user"])
        profile.save()
        profile.programmes.set([programmes[slug] for slug in entry["programmes"]])
        profile.deals.set([deals[slug] for slug in entry["deals"]])
        made += 1
    return made
