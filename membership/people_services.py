"""Writes about a person's own profile. Views call these; they hold the rules."""

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from taggit.models import Tag

from . import services
from .models import User

MAX_EXPERTISE_TAGS = 20
MAX_TAG_LENGTH = Tag._meta.get_field("name").max_length


def expertise_parse(text: str) -> list[str]:
    """Comma-separated text as a list of tags: trimmed, no blanks, no repeats.

    Spaces stay inside a tag ("patient safety" is one tag); repeats are matched
    without regard to case, keeping the first spelling.
    """
    tags: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def _expertise_problem(tags: list[str]) -> str | None:
    if len(tags) > MAX_EXPERTISE_TAGS:
        return _("List at most %(count)d areas of expertise.") % {"count": MAX_EXPERTISE_TAGS}
    too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
    if too_long:
        return _("Keep each area of expertise under %(length)d characters.") % {
            "length": MAX_TAG_LENGTH + 1
        }
    return None


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    stakeholder_type: str,
    organisation: str,
    bio: str,
    expertise: list[str],
    share_organisation: bool,
    share_stakeholder_type: bool,
    share_bio: bool,
    share_expertise: bool,
    time_zone: str | None = None,
) -> User:
    """Save what the person says about themselves, and which parts others may see.

    Raises ValidationError keyed by field name, and saves nothing, if a value is
    not acceptable.
    """
    display_name = " ".join(display_name.split())
    organisation = organisation.strip()
    bio = bio.strip()
    tags = expertise_parse(", ".join(expertise))
    errors: dict[str, str] = {}
    if not display_name:
        errors["display_name"] = _("Enter the name other members will see.")
    elif len(display_name) > User._meta.get_field("display_name").max_length:
        errors["display_name"] = _("Use a shorter name.")
    if stakeholder_type not in User.StakeholderType.values:
        errors["stakeholder_type"] = _("Choose one of the stakeholder types offered.")
    if len(organisation) > User._meta.get_field("organisation").max_length:
        errors["organisation"] = _("Use a shorter organisation name.")
    if len(bio) > User._meta.get_field("bio").max_length:
        errors["bio"] = _("Keep what you write about yourself to 1000 characters.")
    problem = _expertise_problem(tags)
    if problem:
        errors["expertise"] = problem
    if time_zone is not None and time_zone not in available_timezones():
        errors["time_zone"] = _("Choose a time zone from the list.")
    if errors:
        raise ValidationError(errors)

    if time_zone is not None:
        user.time_zone = time_zone
    user.display_name = display_name
    user.stakeholder_type = stakeholder_type
    user.organisation = organisation
    user.bio = bio
    user.share_organisation = share_organisation
    user.share_stakeholder_type = share_stakeholder_type
    user.share_bio = share_bio
    user.share_expertise = share_expertise
    user.save(
        update_fields=[
            "display_name",
            "stakeholder_type",
            "organisation",
            "bio",
            "share_organisation",
            "share_stakeholder_type",
            "share_bio",
            "share_expertise",
            "time_zone",
        ]
    )
    user.expertise.set(tags)
    services.membership_sort_name_sync(user=user)
    return user
