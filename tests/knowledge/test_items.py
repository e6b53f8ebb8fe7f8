"""Creating, editing, versions, comparison and downloads of knowledge items."""

import html
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from knowledge.models import KnowledgeItem

from .factories import contributor, curator, make_item, pdf_upload, text_upload

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def _form(**overrides):
    data = {
        "kind": "document",
        "title": "Tapering plan",
        "summary": "A one-page plan.",
        "body": "Fill it in **together**.",
        "stage": "implementing",
        "topics": "opioids, tapering",
        "intent": "draft",
    }
    data.update(overrides)
    return data


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_active_member_uploads_a_document_as_a_draft(client, community):
    author = contributor(community)
    client.force_login(author)

    response = client.post(
        reverse("knowledge:create", args=[community.slug]), {**_form(), "file": pdf_upload()}
    )

    item = KnowledgeItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("knowledge:item", args=[item.pk])
    assert item.status == "draft"
    assert list(item.authors.all()) == [author]
    assert item.file.name.startswith(f"knowledge/{community.pk}/")
    assert item.file_name == "plan.pdf" and item.file_type == "application/pdf"
    assert sorted(item.topics.names()) == ["opioids", "tapering"]
    assert item.history.count() == 1


def test_submit_for_review_on_create(client, community):
    client.force_login(contributor(community))

    client.post(
        reverse("knowledge:create", args=[community.slug]),
        _form(kind="story", intent="review"),
    )

    assert KnowledgeItem.objects.get().status == "in_review"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not a complete PDF file"),
        ("drawing.svg", b"<svg onload='alert(1)'></svg>", "We accept only"),
        ("empty.pdf", b"", "empty"),
        ("../../../etc/passwd", b"root:x:0:0", "We accept only"),
        ("notes.txt", b"<!doctype html><p>x</p>", "web pages"),
    ],
)
def test_a_refused_upload_answers_400_and_keeps_every_other_field(
    client, community, name, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(contributor(community))

    response = client.post(
        reverse("knowledge:create", args=[community.slug]),
        {
            **_form(title="My typed title", body="My typed *body*"),
            "file": SimpleUploadedFile(name, content),
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="My typed title"' in html
    assert "My typed *body*" in html
    assert "opioids, tapering" in html
    assert not KnowledgeItem.objects.exists()


def test_an_oversized_upload_is_refused_with_the_limit(client, community, settings):
    settings.KNOWLEDGE_MAX_UPLOAD_MB = 1
    client.force_login(contributor(community))
    big = text_upload(name="big.txt", text="a" * (1024 * 1024 + 10))

    response = client.post(
        reverse("knowledge:create", args=[community.slug]), {**_form(), "file": big}
    )

    assert response.status_code == 400
    assert "1.0\xa0MB or smaller" in response.content.decode()
    assert not KnowledgeItem.objects.exists()


def test_a_request_whose_body_ends_early_stores_nothing(client, community):
    """A multipart body cut off inside the file (no closing boundary): what a dropped
    connection leaves. The file part holds a PDF without its end, so it is refused.
    (The test client cannot send fewer bytes than Content-Length says; a real server
    would time out or pass the short body on, as here.)"""
    from knowledge.files import demo_pdf

    client.force_login(contributor(community))
    boundary = "----cut-off-boundary"
    parts = []
    for name, value in _form().items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = (
        "".join(parts).encode()
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="plan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
    )
    body = head + demo_pdf(["a plan"] * 20)[:400]

    response = client.generic(
        "POST",
        reverse("knowledge:create", args=[community.slug]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 400
    assert not KnowledgeItem.objects.exists()


def test_a_document_needs_a_file_and_a_link_its_address(client, community):
    client.force_login(contributor(community))
    url = reverse("knowledge:create", args=[community.slug])

    no_file = client.post(url, _form())
    no_url = client.post(url, _form(kind="link"))
    no_problem = client.post(url, _form(kind="answer"))

    assert no_file.status_code == no_url.status_code == no_problem.status_code == 400
    assert "A document needs a file" in no_file.content.decode()
    assert "A link needs its web address" in no_url.content.decode()
    assert "Describe the problem" in no_problem.content.decode()


def test_a_javascript_link_is_refused(client, community):
    client.force_login(contributor(community))

    response = client.post(
        reverse("knowledge:create", args=[community.slug]),
        _form(kind="link", url="javascript:alert(1)"),
    )

    assert response.status_code == 400


def test_peripheral_members_may_not_add_knowledge(client, community, peripheral):
    client.force_login(peripheral)

    response = client.post(reverse("knowledge:create", args=[community.slug]), _form(kind="story"))

    assert response.status_code == 403


def test_editing_with_a_new_file_keeps_the_old_file_as_a_version(client, community):
    author = contributor(community)
    item = make_item(community, author=author, kind="document", upload=pdf_upload(lines=["v1"]))
    first_file = item.file.name
    client.force_login(author)

    response = client.post(
        reverse("knowledge:edit", args=[item.pk]),
        {
            **_form(title=item.title, summary=item.summary, change_note="Added step 6"),
            "file": pdf_upload(lines=["v2 with step 6"]),
        },
    )

    item.refresh_from_db()
    assert response.status_code == 302
    assert item.file.name != first_file
    assert default_storage.exists(first_file)
    versions = list(item.history.order_by("history_id"))
    assert str(versions[0].file) == first_file
    assert versions[-1].change_note == "Added step 6"
    assert versions[-1].history_user == author
    old = client.get(reverse("knowledge:version_download", args=[item.pk, versions[0].history_id]))
    new = client.get(reverse("knowledge:download", args=[item.pk]))
    assert b"v1" in _content(old) and b"v2 with step 6" not in _content(old)
    assert b"v2 with step 6" in _content(new)


def test_editing_without_a_file_keeps_the_current_file(client, community):
    author = contributor(community)
    item = make_item(community, author=author, kind="document")
    client.force_login(author)

    client.post(
        reverse("knowledge:edit", args=[item.pk]),
        _form(title="Renamed", summary=item.summary, change_note="Clearer title"),
    )

    item.refresh_from_db()
    assert item.title == "Renamed" and item.file_name == "plan.pdf"
    assert len({str(v.file) for v in item.history.all()}) == 1


def test_a_co_author_may_edit_and_another_member_may_not(client, community):
    author = contributor(community)
    co_author = contributor(community)
    other = contributor(community)
    client.force_login(author)
    client.post(
        reverse("knowledge:create", args=[community.slug]),
        {**_form(kind="story"), "co_authors": [co_author.pk]},
    )
    item = KnowledgeItem.objects.get()

    client.force_login(co_author)
    assert client.get(reverse("knowledge:edit", args=[item.pk])).status_code == 200
    client.force_login(other)
    assert client.get(reverse("knowledge:edit", args=[item.pk])).status_code == 403


def test_downloads_are_attachments_with_nosniff_and_the_detected_type(client, community):
    item = make_item(community, kind="document", upload=text_upload(name="My notes.txt"))

    response = client.get(reverse("knowledge:download", args=[item.pk]), **BROWSER)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-notes.txt"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert _content(response) == b"Step 1: ask.\n"


def test_an_item_without_a_file_has_no_download(client, community):
    item = make_item(community)

    assert client.get(reverse("knowledge:download", args=[item.pk])).status_code == 404


def test_history_lists_who_changed_what_and_why(client, community):
    author = contributor(community, display_name="Ada Author")
    item = make_item(community, author=author, kind="document")
    client.force_login(author)
    client.post(
        reverse("knowledge:edit", args=[item.pk]),
        {
            **_form(title=item.title, summary="Shorter.", change_note="Tightened"),
            "file": pdf_upload(),
        },
    )

    html = client.get(reverse("knowledge:history", args=[item.pk])).content.decode()

    assert "Tightened" in html and "Ada Author" in html and "Published" in html
    assert "new file" in html
    assert "Compare with the version before" in html


def test_compare_shows_escaped_word_changes(client, community):
    author = contributor(community)
    item = make_item(community, author=author, body="Call the <b>bed</b> manager")
    client.force_login(author)
    client.post(
        reverse("knowledge:edit", args=[item.pk]),
        _form(
            kind="story",
            title=item.title,
            summary=item.summary,
            body="Call the site <script>x</script> lead",
        ),
    )
    ids = list(item.history.order_by("history_id").values_list("history_id", flat=True))

    response = client.get(
        reverse("knowledge:compare", args=[item.pk]) + f"?from={ids[0]}&to={ids[-1]}"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>" in html and "<ins>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x" not in html


@pytest.mark.parametrize("query", ["", "?from=1", "?to=2"])
def test_compare_without_two_versions_is_a_bad_request(client, community, query):
    item = make_item(community)

    response = client.get(reverse("knowledge:compare", args=[item.pk]) + query)

    assert response.status_code == 400
    assert "Choose two versions" in response.content.decode()


def test_versions_of_another_item_are_not_found(client, community):
    item = make_item(community)
    other = make_item(community, title="Other")
    other_version = other.history.first().history_id
    mine = item.history.first().history_id

    assert (
        client.get(reverse("knowledge:version", args=[item.pk, other_version])).status_code == 404
    )
    assert (
        client.get(
            reverse("knowledge:compare", args=[item.pk]) + f"?from={mine}&to={other_version}"
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("knowledge:compare", args=[item.pk]) + "?from=x&to=1").status_code == 404
    )


def test_one_version_shows_the_item_as_it_was(client, community):
    author = contributor(community)
    item = make_item(community, author=author, summary="The first summary")
    client.force_login(author)
    client.post(
        reverse("knowledge:edit", args=[item.pk]),
        _form(kind="story", title=item.title, summary="The second summary"),
    )
    first = item.history.order_by("history_id").first()

    html = client.get(
        reverse("knowledge:version", args=[item.pk, first.history_id])
    ).content.decode()

    assert "The first summary" in html and "The second summary" not in html


def test_views_count_once_per_session_and_never_for_robots(client, community):
    item = make_item(community)
    url = reverse("knowledge:item", args=[item.pk])

    client.get(url, **BROWSER)
    client.get(url, **BROWSER)
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get(url)  # no user agent at all
    item.refresh_from_db()
    assert item.view_count == 1

    from django.test import Client

    Client().get(url, **BROWSER)
    item.refresh_from_db()
    assert item.view_count == 2


def test_downloads_count_once_per_session(client, community):
    item = make_item(community, kind="document")
    url = reverse("knowledge:download", args=[item.pk])

    client.get(url, **BROWSER)
    client.get(url, **BROWSER)
    client.get(url, HTTP_USER_AGENT="curl/8.0")

    item.refresh_from_db()
    assert item.download_count == 1


def test_the_item_page_never_names_who_viewed(client, community, core):
    reader = contributor(community, display_name="Vera Viewer")
    item = make_item(community)
    client.force_login(reader)
    client.get(reverse("knowledge:item", args=[item.pk]), **BROWSER)

    client.force_login(core)
    html = client.get(reverse("knowledge:item", args=[item.pk]), **BROWSER).content.decode()

    assert "Vera Viewer" not in html
    assert "2 views" in html


def test_the_debug_media_route_serves_community_images_but_never_knowledge_files(settings):
    import importlib

    from django.urls import Resolver404, clear_url_caches, resolve

    import copplatform.urls

    settings.DEBUG = True
    try:
        importlib.reload(copplatform.urls)
        clear_url_caches()
        assert resolve("/media/communities/logo.png", urlconf=copplatform.urls)
        with pytest.raises(Resolver404):
            resolve("/media/knowledge/1/abc-plan.pdf", urlconf=copplatform.urls)
    finally:
        settings.DEBUG = False
        importlib.reload(copplatform.urls)
        clear_url_caches()


def test_curators_see_the_status_filter_and_others_do_not(client, community, peripheral):
    make_item(community)
    url = reverse("knowledge:repertoire", args=[community.slug])
    client.force_login(curator(community))
    assert 'name="status"' in client.get(url).content.decode()
    client.force_login(peripheral)
    assert 'name="status"' not in client.get(url).content.decode()


def test_repertoire_filters_and_pagination_keep_the_filters(client, community):
    author = contributor(community)
    for n in range(22):
        make_item(
            community, author=author, title=f"Checklist {n}", kind="checklist", stage="evaluating"
        )
    make_item(community, author=author, title="A story", kind="story", topics=["sepsis"])
    url = reverse("knowledge:repertoire", args=[community.slug])

    first = client.get(url, {"kind": "checklist"})
    topic = client.get(url, {"topic": "sepsis"}).content.decode()

    # Keyset pages (no count of the items): the next page's link keeps the filter.
    body = first.content.decode()
    assert len(first.context["items"]) == 20 and "A story" not in body
    next_link = re.search(r'href="(\?kind=checklist&amp;before=[^"]+)" rel="next"', body)
    assert next_link
    second = client.get(url + html.unescape(next_link.group(1)))
    titles = {item.title for item in [*first.context["items"], *second.context["items"]]}
    assert titles == {f"Checklist {n}" for n in range(22)}
    assert "A story" in topic


def test_featured_items_come_first(client, community):
    from knowledge import services

    core = curator(community)
    older = make_item(community, title="Older featured item", publisher=core)
    make_item(community, title="Newer plain item", publisher=core)
    services.item_set_featured(item=older, actor=core, featured=True)
    older.title = older.title  # nothing else changes

    html = client.get(reverse("knowledge:repertoire", args=[community.slug])).content.decode()

    assert html.index("Older featured item") < html.index("Newer plain item")
