"""Files go through django-storages: a round trip through a real S3-compatible server."""

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

pytestmark = pytest.mark.services

BUCKET = "cop-media-test"


@pytest.fixture
def s3_storage(s3_server):
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    # The same options settings/base.py builds from AWS_* variables.
    return S3Storage(
        bucket_name=BUCKET,
        endpoint_url=s3_server,
        region_name="us-east-1",
        access_key="testing",
        secret_key="testing",
        default_acl="private",
        querystring_auth=True,
        querystring_expire=60,
        file_overwrite=False,
    )


def test_a_file_saved_to_s3_reads_back_identically(s3_storage):
    name = s3_storage.save("knowledge/care-pathway.txt", ContentFile(b"Step 1: ask.\n"))

    with s3_storage.open(name) as stored:
        assert stored.read() == b"Step 1: ask.\n"
    assert s3_storage.exists(name)
    assert s3_storage.size(name) == 13


def test_saving_the_same_name_twice_keeps_both_files(s3_storage):
    first = s3_storage.save("doc.txt", ContentFile(b"one"))
    second = s3_storage.save("doc.txt", ContentFile(b"two"))

    assert first != second
    with s3_storage.open(first) as stored:
        assert stored.read() == b"one"


def test_objects_are_private_and_served_only_by_signed_url(s3_storage, s3_server):
    name = s3_storage.save("private/minutes.txt", ContentFile(b"confidential"))

    unsigned = requests.get(f"{s3_server}/{BUCKET}/{name}", timeout=5)
    signed = requests.get(s3_storage.url(name), timeout=5)

    assert unsigned.status_code == 403
    assert signed.status_code == 200
    assert signed.content == b"confidential"
