"""Permission matrix entries for the email pages (see __init__.py).

None of them is about a community: the settings page and its "resume email" button
are every signed-in member's own; the unsubscribe link is for whoever holds it (the
signed token is the secret, like an invitation's), so every actor, signed out too,
gets its confirmation page; the record of delivery runs is for the facilitation team
and admins. The token names the world's peripheral member and the "all" scope, whose
page names no community (a community scope names its community to the link's
holder, who is its member). The run recorded for the world's community must never
show the community's name or private text.
"""

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("email",)


EXPECTED: dict = {
    "email:settings": E.signed_in,
    "email:resume": E.signed_in,
    "email:unsubscribe": E.anyone,
    "email:runs": E.facilitators_only,
}
POSTS: dict = {"email:resume": {}}


def build(world) -> dict:
    from membership.models import DeliveryRecord, DeliveryRun, NotificationSettings
    from membership.notifications.preferences import unsubscribe_token

    from ..test_matrix import SECRET

    peripheral = world.actors[E.PERIPHERAL]
    NotificationSettings.objects.create(
        user=peripheral, email_failing_since="2026-03-02T09:00:00Z", email_failure="550 gone"
    )
    run = DeliveryRun.objects.create(kind="announcement", period=f"community:{world.community.pk}")
    DeliveryRecord.objects.create(
        run=run,
        user=peripheral,
        kind="announcement",
        period=run.period,
        community=world.community,
        detail=f"not sent: {SECRET}",
    )
    return {"unsubscribe_token": unsubscribe_token(peripheral.pk, "all")}
