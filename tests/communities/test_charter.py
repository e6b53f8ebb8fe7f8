import pytest
from django.urls import reverse

from communities.models import Community
from communities.views import text_diff

from ..factories import CommunityFactory, MembershipFactory

Visibility = Community.Visibility


def _url(name, community, *args):
    return reverse(f"communities:{name}", args=[community.slug, *args])


def _sections(charter, **changes):
    data = {name: getattr(charter, name) for name in charter.SECTIONS}
    data.update(changes)
    return data


def _edit(client, community, **data):
    return client.post(_url("charter_edit", community), data)


def _revision_ids(community):
    return list(
        community.charter.history.order_by("history_date", "history_id").values_list(
            "history_id", flat=True
        )
    )


# --- reading -------------------------------------------------------------------


def test_anyone_reads_a_public_communitys_charter(client, community):
    community.charter.ground_rules = "Be kind."
    community.charter.save()

    response = client.get(_url("charter", community))

    assert response.status_code == 200
    body = response.content.decode()
    for heading in ("Purpose", "Aims", "Who it is for", "How members take part", "Ground rules"):
        assert heading in body
    assert "Be kind." in body
    assert "Not reviewed yet" in body


def test_a_private_charter_is_for_readers_only(client, outsider):
    community = CommunityFactory(visibility=Visibility.PRIVATE, charter__aims="Private aims")
    member = MembershipFactory(community=community).user

    assert client.get(_url("charter", community)).status_code == 403
    client.force_login(outsider)
    assert client.get(_url("charter", community)).status_code == 403
    for name in ("charter_history", "charter_compare"):
        assert client.get(_url(name, community)).status_code == 403
    client.force_login(member)
    assert "Private aims" in client.get(_url("charter", community)).content.decode()


def test_a_hidden_communitys_charter_is_not_found_for_outsiders(client, outsider):
    community = CommunityFactory(visibility=Visibility.HIDDEN)
    client.force_login(outsider)

    for name in ("charter", "charter_edit", "charter_history", "charter_compare"):
        assert client.get(_url(name, community)).status_code == 404


def test_only_those_who_may_edit_see_the_edit_link(client, core, peripheral, community):
    client.force_login(peripheral)
    assert (
        _url("charter_edit", community)
        not in client.get(_url("charter", community)).content.decode()
    )
    client.force_login(core)
    assert (
        _url("charter_edit", community) in client.get(_url("charter", community)).content.decode()
    )


# --- editing -------------------------------------------------------------------


def test_peripheral_members_may_not_edit_the_charter(client, peripheral, community):
    client.force_login(peripheral)

    assert client.get(_url("charter_edit", community)).status_code == 403
    assert _edit(client, community, aims="Mine now").status_code == 403


def test_editing_creates_a_revision_with_who_and_why(client, core, community):
    client.force_login(core)
    before = community.charter.history.count()

    response = _edit(
        client,
        community,
        **_sections(community.charter, aims="Halve medication errors."),
        change_note="Agreed at the March meeting",
    )

    assert response.status_code == 302
    assert response["Location"] == _url("charter", community)
    community.charter.refresh_from_db()
    assert community.charter.aims == "Halve medication errors."
    assert community.charter.last_reviewed_at is not None
    assert community.charter.history.count() == before + 1
    latest = community.charter.history.latest("history_date")
    assert latest.history_user == core
    assert latest.change_note == "Agreed at the March meeting"
    page = client.get(_url("charter", community)).content.decode()
    assert f"by {core.name}" in page


def test_submitting_no_change_shows_the_services_message_as_a_form_error(client, core, community):
    client.force_login(core)
    before = community.charter.history.count()

    response = _edit(client, community, **_sections(community.charter))

    assert response.status_code == 400
    assert "Nothing changed. Edit a section, or mark it as reviewed." in response.content.decode()
    assert community.charter.history.count() == before


def test_marking_as_reviewed_without_changes_records_the_review(client, core, community):
    client.force_login(core)

    response = _edit(client, community, **_sections(community.charter), reviewed="on")

    assert response.status_code == 302
    community.charter.refresh_from_db()
    assert community.charter.last_reviewed_at is not None


def test_an_over_long_section_is_refused_and_the_typed_text_kept(client, core, community):
    client.force_login(core)

    response = _edit(
        client, community, **_sections(community.charter, aims="x" * 4001, ground_rules="Kept")
    )

    assert response.status_code == 400
    assert "aims" in response.context["form"].errors
    assert "Kept</textarea>" in response.content.decode()


# --- history -------------------------------------------------------------------


def test_history_lists_revisions_newest_first_with_author_and_note(client, core, community):
    client.force_login(core)
    _edit(client, community, **_sections(community.charter, aims="First aims"), change_note="One")
    _edit(client, community, **_sections(community.charter, aims="Second aims"), change_note="Two")

    response = client.get(_url("charter_history", community))

    assert response.status_code == 200
    notes = [row["revision"].change_note for row in response.context["rows"]]
    assert notes == ["Two", "One", ""]
    body = response.content.decode()
    assert body.index("Two") < body.index("One")
    assert core.name in body
    first, second, third = _revision_ids(community)
    compare = _url("charter_compare", community)
    assert f"{compare}?from={second}&amp;to={third}" in body
    assert f"{compare}?from={first}&amp;to={second}" in body


def test_history_pages_link_the_oldest_row_to_the_version_before_it(client, core, community):
    client.force_login(core)
    for n in range(31):
        _edit(client, community, **_sections(community.charter, aims=f"Aims {n}"))
    ids = _revision_ids(community)

    first_page = client.get(_url("charter_history", community))
    second_page = client.get(_url("charter_history", community), {"page": 2})

    rows = first_page.context["rows"]
    assert len(rows) == 30
    assert rows[-1]["previous"].history_id == ids[1]
    assert [row["revision"].history_id for row in second_page.context["rows"]] == [ids[1], ids[0]]
    assert second_page.context["rows"][-1]["previous"] is None


def test_one_revision_shows_the_charter_as_it_was(client, core, community):
    client.force_login(core)
    _edit(client, community, **_sections(community.charter, aims="Old aims"))
    old_id = _revision_ids(community)[-1]
    _edit(client, community, **_sections(community.charter, aims="New aims"))

    response = client.get(_url("charter_revision", community, old_id))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Old aims" in body
    assert "New aims" not in body


def test_a_revision_of_another_communitys_charter_is_not_found(client, core, community):
    other = CommunityFactory(charter__aims="Someone else's aims")
    foreign_id = _revision_ids(other)[0]
    own_id = _revision_ids(community)[0]
    client.force_login(core)

    assert client.get(_url("charter_revision", community, foreign_id)).status_code == 404
    compare = _url("charter_compare", community)
    assert client.get(compare, {"from": own_id, "to": foreign_id}).status_code == 404
    assert client.get(compare, {"from": foreign_id, "to": own_id}).status_code == 404


def test_an_unknown_revision_is_not_found(client, community):
    assert client.get(_url("charter_revision", community, 999999)).status_code == 404


# --- comparing -------------------------------------------------------------------


def test_compare_marks_inserted_and_deleted_text_escaped(client, core, community):
    client.force_login(core)
    _edit(client, community, **_sections(community.charter, aims="Meet monthly online."))
    _edit(
        client,
        community,
        **_sections(community.charter, aims='Meet weekly <script>alert("x")</script> online.'),
    )
    older, newer = _revision_ids(community)[-2:]

    response = client.get(_url("charter_compare", community), {"from": older, "to": newer})

    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert 'monthly<span class="visually-hidden">]</span></del>' in body
    assert "<ins><span" in body
    aims = next(s for s in response.context["sections"] if s["name"] == "aims")
    assert aims["changed"] is True
    assert ("delete", "monthly") in aims["parts"]
    assert ("insert", 'weekly <script>alert("x")</script>') in aims["parts"]
    unchanged = next(s for s in response.context["sections"] if s["name"] == "ground_rules")
    assert unchanged["changed"] is False


@pytest.mark.parametrize(
    "params", [{}, {"from": "1"}, {"to": "1"}, {"from": "", "to": "2"}], ids=str
)
def test_compare_without_both_versions_is_a_bad_request_with_a_message(client, community, params):
    response = client.get(_url("charter_compare", community), params)

    assert response.status_code == 400
    assert "Choose two versions of the charter to compare" in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "999999", "\u0661"])
def test_compare_with_an_id_that_is_not_a_revision_is_not_found(client, community, bad):
    own_id = _revision_ids(community)[0]

    response = client.get(_url("charter_compare", community), {"from": own_id, "to": bad})

    assert response.status_code == 404


def test_text_diff_keeps_whitespace_and_words_in_order():
    assert text_diff("a b c", "a x c") == [
        ("equal", "a "),
        ("delete", "b"),
        ("insert", "x"),
        ("equal", " c"),
    ]
    assert text_diff("", "new") == [("insert", "new")]
    assert text_diff("same", "same") == [("equal", "same")]


@pytest.mark.parametrize("revisions", [1, 20])
def test_charter_history_query_count_is_fixed(client, db, django_assert_num_queries, revisions):
    from communities.services import charter_update

    from ..factories import MembershipFactory

    core = MembershipFactory(level="core")
    for n in range(revisions):
        charter_update(
            charter=core.community.charter,
            actor=core.user,
            sections={"aims": f"aim {n}"},
            change_note=f"change {n}",
            reviewed=False,
        )
    client.force_login(core.user)
    url = reverse("communities:charter_history", args=[core.community.slug])

    with django_assert_num_queries(7):  # + nav unread counts
        response = client.get(url)

    assert response.status_code == 200
