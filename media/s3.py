"""Blobs in an S3 bucket (AWS, MinIO, or any S3-compatible store) through boto3.

Every key is put under ``prefix``. A put uploads the whole object in one request, so a reader never sees
half of it. Browsers fetch photos by presigned GET URLs that expire, and may upload straight to the bucket
by a presigned POST whose policy fixes the exact size; the server then confirms the object by its hash.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import IO, Any, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .storage import BlobNotFound, PresignedPost, StoredObject


def _missing(exc: ClientError) -> bool:
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class S3Storage:
    name = "s3"

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        if not bucket:
            raise ValueError("S3_BUCKET must be set when MEDIA_BACKEND=s3")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> S3Storage:
        endpoint = config.get("S3_ENDPOINT_URL") or None
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=config.get("S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(
                signature_version="s3v4",
                # A custom endpoint (MinIO, a test server) is addressed by path, not by bucket subdomain.
                s3={"addressing_style": "path" if endpoint else "auto"},
                retries={"max_attempts": 4, "mode": "standard"},
            ),
        )
        return cls(client, str(config.get("S3_BUCKET") or ""), str(config.get("S3_PREFIX") or ""))

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put_file(self, key: str, path: str, content_type: str) -> None:
        with open(path, "rb") as fh:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=fh, ContentType=content_type)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)

    def open(self, key: str) -> IO[bytes]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _missing(exc):
                raise BlobNotFound(key) from exc
            raise
        return cast(IO[bytes], response["Body"])

    def download(self, key: str, path: str) -> None:
        try:
            self.client.download_file(self.bucket, self._key(key), path)
        except ClientError as exc:
            if _missing(exc):
                raise BlobNotFound(key) from exc
            raise

    def stat(self, key: str) -> StoredObject | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        return StoredObject(key, int(head["ContentLength"]), head["LastModified"].astimezone(UTC))

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            for obj in page.get("Contents", []):
                key = obj["Key"][len(self.prefix) :]
                yield StoredObject(key, int(obj["Size"]), obj["LastModified"].astimezone(UTC))

    def presigned_get(self, key: str, ttl: timedelta, content_type: str) -> str | None:
        return cast(
            str,
            self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self._key(key), "ResponseContentType": content_type},
                ExpiresIn=max(1, int(ttl.total_seconds())),
            ),
        )

    def presigned_post(self, key: str, size: int, ttl: timedelta) -> PresignedPost | None:
        expires_in = max(1, int(ttl.total_seconds()))
        form = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=self._key(key),
            Conditions=[["content-length-range", size, size]],
            ExpiresIn=expires_in,
        )
        return PresignedPost(
            url=form["url"],
            fields={str(k): str(v) for k, v in form["fields"].items()},
            expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
        )
