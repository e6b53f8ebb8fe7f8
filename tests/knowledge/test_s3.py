"""Knowledge files through a real S3-compatible server (moto on loopback): stored
privately, versioned, and served only by a short-lived signed URL after the
permission check."""

import time
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests
from django.urls import reverse

from knowledge.models import KnowledgeItem

from ..factories import CommunityFactory, UserFactory
from .factories import contributor, curator, pdf_upload

pytestmark = pytest.mark.services

BUCKET = "cop-knowledge-test"
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/140.0"}


@pytest.fixture
def s3_storage(s3_server, settings):
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    # The options settings/base.py builds from the AWS_* variables.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }
    settings.KNOWLEDGE_DOWNLOAD_URL_EXPIRE = 30
    return s3_server


def _form(**extra):
    return {
        "kind": "document",
        "title": "Night handover",
        "summary": "Private protocol.",
        "intent": "review",
        **extra,
    }


def test_private_files_are_stored_versioned_and_served_only_by_signed_url(client, s3_storage, db):
    private = CommunityFactory(visibility="private")
    author, core = contributor(private), curator(private)
    client.force_login(author)
    client.post(
        reverse("knowledge:create", args=[private.slug]),
        {**_form(), "file": pdf_upload(lines=["first secret version"])},
    )
    item = KnowledgeItem.objects.get()
    client.force_login(core)
    client.post(reverse("knowledge:status", args=[item.pk]), {"status": "published"})
    client.force_login(author)
    client.post(
        reverse("knowledge:edit", args=[item.pk]),
        {**_form(change_note="v2"), "file": pdf_upload(lines=["second secret version"])},
    )
    item.refresh_from_db()
    first = item.history.order_by("history_id").first()
    assert str(first.file) != item.file.name
    assert item.file.name.startswith(f"knowledge/{private.pk}/")

    # A reader is sent to a short-lived signed URL that serves it as an attachment.
    response = client.get(reverse("knowledge:download", args=[item.pk]), **BROWSER)
    assert response.status_code == 302
    signed = response["Location"]
    assert signed.startswith(s3_storage)
    assert _lifetime(signed) <= 31
    assert parse_qs(urlparse(signed).query)["response-content-disposition"][0].startswith(
        "attachment;"
    )
    fetched = requests.get(signed, timeout=10)
    assert fetched.status_code == 200
    assert b"second secret version" in fetched.content
    assert fetched.headers["Content-Disposition"].startswith("attachment;")

    # The first version's file is still there, through its own signed URL.
    old = client.get(reverse("knowledge:version_download", args=[item.pk, first.history_id]))
    assert b"first secret version" in requests.get(old["Location"], timeout=10).content

    # Without a signature the bucket refuses; so does the view for a non-member.
    unsigned = requests.get(f"{s3_storage}/{BUCKET}/{item.file.name}", timeout=10)
    assert unsigned.status_code == 403
    assert b"secret version" not in unsigned.content
    client.force_login(UserFactory())
    refused = client.get(reverse("knowledge:download", args=[item.pk]))
    assert refused.status_code == 403
    assert "Location" not in refused


def test_the_signed_url_lives_as_long_as_the_setting_says(client, s3_storage, settings, db):
    """moto does not enforce the expiry of presigned URLs (checked by hand: a URL
    signed for 1 s still answers 200 later), so this checks the lifetime written
    into the signature, which S3 and MinIO do enforce."""
    settings.KNOWLEDGE_DOWNLOAD_URL_EXPIRE = 5
    community = CommunityFactory()
    author = contributor(community)
    client.force_login(author)
    client.post(
        reverse("knowledge:create", args=[community.slug]),
        {**_form(intent="draft"), "file": pdf_upload(lines=["short-lived"])},
    )
    item = KnowledgeItem.objects.get()

    signed = client.get(reverse("knowledge:download", args=[item.pk]), **BROWSER)["Location"]

    assert 3 <= _lifetime(signed) <= 6


def _lifetime(signed_url: str) -> float:
    """Seconds a signed URL is valid for, from its query (signature v4 or v2)."""
    query = parse_qs(urlparse(signed_url).query)
    if "X-Amz-Expires" in query:
        return int(query["X-Amz-Expires"][0])
    return int(query["Expires"][0]) - time.time()


def test_signed_urls_expire_within_five_minutes_by_default():
    from django.conf import settings

    assert 0 < settings.KNOWLEDGE_DOWNLOAD_URL_EXPIRE <= 300
