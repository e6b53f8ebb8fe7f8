"""The canary crawl (issue #9): nothing private reaches anyone who may not read it.

A private and a hidden community (the permission matrix's World, plus what
canary.add_private_content makes) carry a canary of their own in every private row,
field and file (canary.py). Every non-member actor (signed out, signed-in
non-member, pending requester, invited, facilitator of another community, leader)
then crawls every surface: every named URL of the resolver with the world's values,
the same-site links of every page they get, search, autocomplete and mention
suggestions, feeds and calendars, notifications, exports, reports and print views,
file downloads and storage addresses; and every email the engine sends (instant,
daily and weekly digests, every reminder at the moment it falls due) is caught by a
real SMTP server. No canary may be found; and no page a non-member gets may change
when only private activity grows (a count that reveals private activity).
"""

import difflib
import re
import time
from datetime import timedelta
from urllib.parse import urldefrag, urlparse

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve
from django.utils import timezone

from communities.discussions import services as discussions
from communities.events.services import calendar_feed_regenerate
from communities.models import Post, Thread
from facilitation.reports.tables import TABLE_SLUGS
from knowledge.models import KnowledgeItem
from membership.models import NotificationSettings, User
from membership.notifications.digests import plan_digests
from membership.notifications.instant import Event, plan_instant
from membership.notifications.reminders import plan_reminders

from ..factories import CommunityFactory, MembershipFactory
from . import expected as E
from .canary import (
    NON_MEMBERS,
    WORD,
    Canaries,
    add_private_content,
    text_of_email,
    text_of_response,
)
from .catalogue import OPTIONAL_URLS, URLS
from .test_matrix import HIDDEN_NAME, SECRET, SECRET_MEMBER, World

LINK = re.compile(r'(?:href|hx-get|src|action)="(/[^"]*)"')
SKIP = ("/static/", "/accounts/logout/", "/i18n/")
MAX_PAGES_PER_ACTOR = 500
# Values for URL arguments no matrix area names (allauth keys, the admin's ids).
# What changes on every response: masked CSRF tokens, and the words of relative
# times ("6 seconds ago"; their datetime attribute stays and is compared).
CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")
RELATIVE_TIME = re.compile(r"(<time[^>]*>)[^<]*</time>")
TIME = re.compile(r"<time[^>]*>")
# The report gives leaders and facilitators aggregates of every community, private
# and hidden ones included (docs/facilitation.md): its figures grow with private
# activity by design, while its text is crawled for canaries like any page.
AGGREGATES = ("reports:",)
# Account and admin-login pages show nothing of any community: no count to check.
NO_COMMUNITY = ("account_", "mfa_", "admin:")
# A private community is listed with its member count and last activity, and the
# directory sorts by it (tests/communities/test_directory.py and test_community_home.py
# say so): those two figures are left out of the count check on these pages.
LISTED_FIGURES = {"communities:directory", "communities:home"}
MEMBER_COUNT = re.compile(r"\d+ members?\b")
# The personal data export grows with its owner's own reading, which the crawl does:
# it is read for canaries, not compared.
OWN_DATA = ("privacy:download",)
# Pending requesters and invited people get the same lists as any signed-in
# non-member: the count check asks those four.
COUNTED = [E.ANON, E.OUTSIDER, E.FAC_OTHER, E.LEADER]


# --- designed disclosures --------------------------------------------------------------


def _designed_disclosure(world, actor, url, found) -> bool:
    view = _view_name(url)
    community = f"communities.Community.{{}} #{world.community.pk}"
    names_community = any(community.format(f) in found for f in ("name", "purpose"))
    # The invitation names its community to whoever holds the link (the token is the
    # secret); the invited person's home and data export list the invitation.
    if view == "membership:invitation" and names_community:
        return True
    invitation_of_theirs = view in ("home", "privacy:download")
    if actor == E.INVITED and invitation_of_theirs and community.format("name") in found:
        return True
    # The facilitation team reviews a reported message: who sent and who reported it
    # (docs: "sees that message's text and the reason").
    return view == "messaging:reports" and "membership.User.display_name" in found


# --- what to fetch -----------------------------------------------------------------------


def _resolver_urls(world):
    """Every named URL of the resolver, with the world's values and its area's query
    (as the permission matrix asks them)."""
    return [world.url_for(name) for name in sorted(URLS) if name not in OPTIONAL_URLS]


def _world_ids(model, world):
    return list(model.objects.filter(community=world.community).values_list("pk", flat=True))


def _probes(world, neighbour):
    """Searches, suggestions, filters and objects the resolver's values do not reach."""
    slug, other = world.community.slug, neighbour.slug
    thread_ids = "&".join(f"t={pk}" for pk in Thread.objects.values_list("pk", flat=True))
    people = world.community.memberships.values_list("user_id", flat=True)
    items = _world_ids(KnowledgeItem, world)
    probes = [
        f"/search/?q={WORD}",
        f"/search/?q={WORD}&community={world.community.pk}",
        *(f"/search/?q={WORD}&kind={kind}" for kind in ("discussion", "item", "term")),
        f"/communities/?q={WORD}",
        "/communities/?visibility=private",
        "/communities/?sort=activity",
        f"/people/?q={WORD}",
        f"/suggest/?community={other}&q={WORD}",
        f"/suggest/?community={other}&title={WORD}+protocol",
        f"/c/{other}/discussions/mention-suggestions/?q=ze",
        f"/c/{slug}/discussions/mention-suggestions/?q=ze",
        f"/c/{slug}/discussions/?group=closed-audit",
        f"/facilitation/actions/announcement/sent/?{thread_ids}",
        *(f"/messages/new/?to={pk}" for pk in people),
        *(f"/people/{pk}/" for pk in people),
        *(f"/facilitation/actions/share/?item={pk}" for pk in items),
        *(f"/knowledge/{pk}/" for pk in items),
        *(f"/knowledge/{pk}/download/" for pk in items),
        *(f"/c/{slug}/discussions/{pk}/" for pk in _world_ids(Thread, world)),
        *(f"/reports/export/{table}.csv" for table in TABLE_SLUGS),
    ]
    # Stored files at their storage address: a private file is never public.
    for item in KnowledgeItem.objects.exclude(file=""):
        probes.append(default_storage.url(item.file.name))
    return probes


def _neighbour(world):
    """A public community every signed-in non-member belongs to, with news of its own,
    so their feeds, digests, calendars and suggestions have something to show."""
    neighbour = CommunityFactory(visibility="public", name="Neighbourhood Nursing")
    for actor in NON_MEMBERS:
        if world.actors[actor] is not None:
            MembershipFactory(community=neighbour, user=world.actors[actor], level="active")
    discussions.thread_create(
        community=neighbour,
        author=world.actors[E.OUTSIDER],
        kind="question",
        title=f"Public {WORD} protocol question",
        body="How do you run handovers?",
    )
    return neighbour


# --- crawling ----------------------------------------------------------------------------


def _view_name(url):
    try:
        return resolve(urlparse(url).path).view_name
    except Resolver404:
        return url


def _view_key(url):
    """A view answers alike for two objects of the same kind in one community."""
    try:
        match = resolve(urlparse(url).path)
    except Resolver404:
        return url
    return match.view_name, match.kwargs.get("slug")


def _crawl(client, canaries, start):
    """GET every start URL, then every same-site link found on the way to a view (in
    a community) not fetched yet, breadth first. Returns the URLs fetched, how many
    htmx fragments were fetched besides, the pages answered 200 ({url: (listed at
    start, text)}) and what leaked [(url, found)]."""
    seen, keys, leaks, pages, fragments = set(), set(), [], {}, 0
    queue = [(url, True) for url in start]
    while queue and len(seen) < MAX_PAGES_PER_ACTOR:
        url, listed = queue.pop(0)
        url = urldefrag(url.replace("&amp;", "&"))[0]
        if url in seen or url.startswith(SKIP) or urlparse(url).netloc:
            continue
        key = _view_key(url)
        if not listed and key in keys:
            continue
        seen.add(url)
        keys.add(key)
        response = client.get(url)
        text = scanned = text_of_response(response)
        if "HX-Request" in response.get("Vary", ""):
            # The view answers htmx with a fragment of its own: that body is read too.
            scanned += text_of_response(client.get(url, headers={"HX-Request": "true"}))
            fragments += 1
        leaks += [(url, found) for found in canaries.found_in(CSRF.sub("", scanned))]
        if response.status_code == 200:
            pages[url] = (listed, text)
            if "text/html" in response.get("Content-Type", ""):
                queue += [(link, False) for link in LINK.findall(text) if link not in seen]
    return seen, fragments, pages, leaks


def _sign_in(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)


# --- email -------------------------------------------------------------------------------


def _email_everyone(frequency):
    for user in User.objects.all():
        NotificationSettings.objects.update_or_create(user=user, defaults={"frequency": frequency})


def _send_every_email(capture):
    """Instant emails for every thread, reply and item; daily and weekly digests; then
    every reminder at the moments they fall due: all through the real engine."""
    _email_everyone("instant")
    with capture(execute=True):
        for thread in Thread.objects.all():
            announcement = thread.kind == Thread.Kind.ANNOUNCEMENT
            event = Event.ANNOUNCEMENT if announcement else Event.THREAD
            plan_instant(event=event, object_id=thread.pk)
        for pk in Post.objects.values_list("pk", flat=True):
            plan_instant(event=Event.REPLY, object_id=pk)
        for pk in KnowledgeItem.objects.values_list("pk", flat=True):
            plan_instant(event=Event.ITEM_PUBLISHED, object_id=pk)
            plan_instant(event=Event.ITEM_FEATURED, object_id=pk)
    for frequency in ("daily", "weekly"):
        _email_everyone(frequency)
        with capture(execute=True):
            plan_digests()
    now = timezone.now()
    next_monday = now + timedelta(days=7 - now.weekday())
    # Meetings start in two and three days: their day-before reminders, then the
    # weekly at-risk summary, then "did you apply it?" after 30 and 90 days.
    moments = [now, now + timedelta(days=1, hours=12), now + timedelta(days=2, hours=12)]
    moments += [next_monday, now + timedelta(days=31), now + timedelta(days=91)]
    for moment in moments:
        with time_machine.travel(moment, tick=False), capture(execute=True):
            plan_reminders(moment)


def _grow_private_activity(world):
    """More private threads, replies and members, for the count check."""
    community, core = world.community, world.actors[E.CORE]
    for number in range(3):
        thread = discussions.thread_create(
            community=community, author=core, kind="question", title=f"More {number}", body="?"
        )
        discussions.reply_create(thread=thread, author=world.actors[E.PERIPHERAL], body="Yes.")
        MembershipFactory(community=community, level="active")


def _normal(text, view=""):
    text = RELATIVE_TIME.sub(r"\1</time>", CSRF.sub("", text))
    if view in LISTED_FIGURES:
        text = MEMBER_COUNT.sub("", TIME.sub("", text))
    return text


def _diff(before, after, view):
    lines = difflib.unified_diff(
        _normal(before, view).splitlines(), _normal(after, view).splitlines(), n=0, lineterm=""
    )
    return " | ".join(line.strip()[:160] for line in lines if line[:1] in "+-")[:600]


# --- the test ----------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["private", "hidden"])
def test_no_canary_reaches_anyone_who_may_not_read_the_community(
    client, db, settings, smtp_server, django_capture_on_commit_callbacks, visibility
):
    started = time.monotonic()
    settings.DIGEST_HOUR = 0  # every member is due a digest whenever the planner runs
    with django_capture_on_commit_callbacks(execute=True):
        world = World(visibility)
        neighbour = _neighbour(world)
        add_private_content(world, secret=SECRET, member_name=SECRET_MEMBER)
    canaries = Canaries([SECRET, SECRET_MEMBER] + ([HIDDEN_NAME] if visibility == "hidden" else []))
    canaries.rewrite_database()
    assert canaries.rewrite_files() >= 2, "every version's file holds a canary"
    _send_every_email(django_capture_on_commit_callbacks)
    for actor in NON_MEMBERS:
        if world.actors[actor] is not None:
            calendar_feed_regenerate(user=world.actors[actor])

    start = _resolver_urls(world) + _probes(world, neighbour)
    leaks, fetched, distinct, crawled = [], 0, set(), {}
    for actor in NON_MEMBERS:
        person = world.actors[actor]
        _sign_in(client, person)
        own_calendar = [f"/calendar/{person.calendar_feed.token}.ics"] if person else []
        seen, fragments, pages, found = _crawl(client, canaries, ["/", *start, *own_calendar])
        leaks += [
            f"{actor} at {url}: {what}"
            for url, what in found
            if not _designed_disclosure(world, actor, url, what)
        ]
        fetched += len(seen) + fragments
        distinct |= seen
        crawled[actor] = pages

    readers = set(world.community.memberships.values_list("user__email", flat=True))
    readers |= {world.actors[E.FAC_THIS].email, world.actors[E.ADMIN].email}
    to_readers = [m for m in smtp_server.messages if m["To"] in readers]
    to_others = [m for m in smtp_server.messages if m["To"] not in readers]
    for message in to_others:
        for found in canaries.found_in(text_of_email(message)):
            leaks.append(f"email to {message['To']} ({message['Subject']}): {found}")

    # Counts: a page a non-member got must not change when only private activity grows.
    _grow_private_activity(world)
    changed, refetched = [], 0
    for actor in COUNTED:
        _sign_in(client, world.actors[actor])
        for url, (listed, before) in crawled[actor].items():
            view = _view_name(url)
            if not listed or view.startswith(AGGREGATES + NO_COMMUNITY + OWN_DATA):
                continue
            after = text_of_response(client.get(url))
            refetched += 1
            if _normal(after, view) != _normal(before, view):
                changed.append(f"{actor} at {url}: {_diff(before, after, view)}")

    summary = (
        f"{visibility} community: {len(canaries)} canaries; {fetched} fetches of "
        f"{len(distinct)} distinct URLs by {len(NON_MEMBERS)} non-member actors "
        f"({sum(len(p) for p in crawled.values())} answered 200, {refetched} fetched again "
        "after private activity grew); "
        f"{len(smtp_server.messages)} emails, {len(to_others)} of them to non-readers; "
        f"{time.monotonic() - started:.0f} s"
    )
    print(summary)
    assert leaks == [], summary
    assert changed == [], summary
    # The canaries are there to be found: members get them by page and by email.
    assert any(canaries.found_in(text_of_email(m)) for m in to_readers), summary


def test_a_reader_finds_the_canaries_the_crawl_looks_for(client, db):
    """The crawl's check can fail: the same pages, fetched by a core member, hold
    the canaries of threads, files, calendars, member names and search results."""
    world = World("hidden")
    add_private_content(world, secret=SECRET, member_name=SECRET_MEMBER)
    canaries = Canaries([SECRET, SECRET_MEMBER, HIDDEN_NAME])
    canaries.rewrite_database()
    canaries.rewrite_files()
    slug, values = world.community.slug, world.area_values
    client.force_login(world.actors[E.CORE])
    urls = [
        f"/c/{slug}/",
        f"/c/{slug}/discussions/{values['thread_id']}/",
        f"/knowledge/{values['item_id']}/download/",
        f"/c/{slug}/events/{values['event_id']}/calendar.ics",
        f"/c/{slug}/members/",
        f"/search/?q={WORD}",
    ]
    found = {}
    for url in urls:
        found[url] = canaries.found_in(CSRF.sub("", text_of_response(client.get(url))))

    assert [url for url, names in found.items() if not names] == []
    assert any("file knowledge/" in name for name in found[urls[2]])
