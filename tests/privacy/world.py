"""One member with something in every area, and two other people whose private
conversation must never reach that member's archive. Made through the services
where a rule applies (memberships, threads, mentions, items, events, messages)."""

from communities.discussions import services as discussions
from communities.events import services as events
from communities.models import Community, PollVote, Reaction
from facilitation.models import ValueStory
from membership.messaging.services import person_block
from membership.models import DeliveryRecord, Invitation, Membership, Notification
from membership.notifications.models import NotificationSettings
from membership.services import join_request_create

from ..events.factories import make_event, meeting_of
from ..factories import CommunityFactory, MembershipFactory, UserFactory
from ..interactions.factories import PollFactory
from ..knowledge.factories import make_item, text_upload
from ..messaging.factories import conversation_between
from ..search.factories import GlossaryTermFactory

NAME = "Pat Quillfeather"
EMAIL = "pat.quillfeather@example.org"
ORGANISATION = "Quillfeather Health Trust"
OTHERS_SECRET = "OTHERS-ONLY-WHISPER"
OTHER_EMAIL = "ola.other@example.org"


class World:
    def __init__(self, community):
        self.community = community
        self.pat = UserFactory(
            email=EMAIL,
            display_name=NAME,
            organisation=ORGANISATION,
            bio="Pharmacist who likes checklists.",
        )
        self.pat.expertise.add("quill-deprescribing")
        self.friend = MembershipFactory(
            community=community,
            level=Membership.Level.CORE,
            user__email=OTHER_EMAIL,
            user__display_name="Ola Other",
        ).user
        self.third = MembershipFactory(community=community, level="active").user
        MembershipFactory(user=self.pat, community=community, level=Membership.Level.ACTIVE)
        private = CommunityFactory(
            name="Ward Nine", visibility=Community.Visibility.PRIVATE, join_policy="request"
        )
        self.join_request = join_request_create(
            user=self.pat, community=private, message="QUILL-REQUEST please"
        )
        Invitation.objects.create(
            community=CommunityFactory(),
            email=EMAIL.upper(),
            nonce="q" * 32,
            expires_at="2099-01-01T00:00:00Z",
            message="QUILL-INVITE",
        )
        self.thread = discussions.thread_create(
            community=community,
            author=self.pat,
            kind="question",
            title="QUILL-THREAD title",
            body="QUILL-THREAD body",
        )
        theirs = discussions.thread_create(
            community=community,
            author=self.friend,
            kind="discussion",
            title="Ola's thread",
            body="Thoughts?",
        )
        self.reply = discussions.reply_create(thread=theirs, author=self.pat, body="QUILL-REPLY")
        self.mentioning = discussions.reply_create(
            thread=theirs, author=self.friend, body=f"Thanks @{NAME}, agreed."
        )
        Reaction.objects.create(user=self.pat, thread=theirs, kind="helpful")
        poll = PollFactory(thread=theirs)
        PollVote.objects.create(poll=poll, option=poll.options.first(), user=self.pat)
        self.event = make_event(community, self.pat, title="QUILL-EVENT huddle")
        self.action = events.action_create(
            occurrence=meeting_of(self.event),
            actor=self.friend,
            title="Draft the QUILL-ACTION protocol",
            owner=self.pat,
        )
        other_event = make_event(community, self.friend, title="Ola's clinic", capacity=1)
        events.rsvp_set(occurrence=meeting_of(other_event), user=self.pat, response="going")
        events.rsvp_set(occurrence=meeting_of(other_event), user=self.third, response="going")
        self.item = make_item(
            community,
            author=self.pat,
            kind="document",
            title="QUILL-ITEM checklist",
            upload=text_upload("quill.txt", "QUILL-FILE contents\n"),
        )
        conversation_between(
            self.pat,
            [self.friend],
            body="QUILL-SENT hello",
            replies=[(self.friend, "OLA-RECEIVED hi Pat")],
        )
        conversation_between(self.friend, [self.third], body=OTHERS_SECRET)
        person_block(blocker=self.pat, blocked=self.third)
        Notification.objects.create(
            recipient=self.pat,
            kind="reply",
            actor=self.friend,
            community=community,
            title="QUILL-NOTIFIED",
            url="/somewhere/",
        )
        NotificationSettings.objects.create(user=self.pat, frequency="daily")
        DeliveryRecord.objects.create(user=self.pat, kind="digest_daily", period="QUILL-PERIOD")
        GlossaryTermFactory(term="QUILL-TERM", community=community, created_by=self.pat)
        ValueStory.objects.create(
            community=community,
            author=self.pat,
            title="QUILL-STORY",
            applied="x",
            changed="y",
            value_type="applied",
        )
