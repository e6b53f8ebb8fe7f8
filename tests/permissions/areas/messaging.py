"""Permission matrix entries for the messaging and notifications URLs (see __init__.py).

A conversation is private to its participants (the world's peripheral and active
members): everyone else, platform admins included, gets 404 for its addresses. A
notification is its recipient's only. Reported messages are reviewed by the
facilitation team, who see only the reported text (never E.SECRET, which is in an
unreported message of the same conversation).
"""

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("messaging", "notifications")

PARTICIPANTS = {E.PERIPHERAL, E.ACTIVE}
RECIPIENT = E.PERIPHERAL


def participants_only(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor in PARTICIPANTS else E.MISSING


def recipient_only(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor == RECIPIENT else E.MISSING


EXPECTED: dict = {
    "messaging:inbox": E.signed_in,
    "messaging:new": E.signed_in,
    "messaging:blocked": E.signed_in,
    "messaging:block": E.signed_in,
    "messaging:unblock": E.signed_in,
    "messaging:reports": E.facilitators_only,
    "messaging:report_resolve": E.facilitators_only,
    "messaging:conversation": participants_only,
    "messaging:reply": participants_only,
    "messaging:mute": participants_only,
    "messaging:leave": participants_only,
    "messaging:report": participants_only,
    "notifications:list": E.signed_in,
    "notifications:mark_all_read": E.signed_in,
    "notifications:open": recipient_only,
    "notifications:mark_read": recipient_only,
}
POSTS: dict = {
    "messaging:block": {},
    "messaging:unblock": {},
    "messaging:report_resolve": {},
    "messaging:reply": {"body": "Thank you, that helps."},
    "messaging:mute": {"muted": "1"},
    "messaging:leave": {},
    "notifications:mark_all_read": {},
    "notifications:mark_read": {},
}


def build(world) -> dict:
    from membership.messaging.services import conversation_start, message_report, message_send
    from membership.models import Notification
    from membership.notifications.services import notify

    from ..test_matrix import SECRET

    peripheral, active = world.actors[E.PERIPHERAL], world.actors[E.ACTIVE]
    conversation = conversation_start(
        starter=active, recipients=[peripheral], body=f"Between us: {SECRET}"
    )
    unwelcome = message_send(
        conversation=conversation, sender=active, body="Call me about the rota tonight."
    )
    report = message_report(message=unwelcome, reporter=peripheral, reason="Unwanted pressure.")
    [notification] = notify(
        [peripheral],
        kind=Notification.Kind.REPLY,
        actor=active,
        title=f"{SECRET} thread",
        url=f"/c/{world.community.slug}/",
        community=world.community,
    )
    return {
        "conversation_id": conversation.pk,
        "message_id": unwelcome.pk,
        "message_report_id": report.pk,
        "notification_id": notification.pk,
        "person_id": world.actors[E.CORE].pk,
    }


def query_for(world, url_name) -> str:
    if url_name == "messaging:new":
        return f"?to={world.actors[E.CORE].pk}"
    return ""
