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

from .storage import BlobNotFound, Multipart, Part, PresignedPost, StoredObject


def _missing(exc: ClientError) -> bool:
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class S3Multipart:
    """Multipart uploads a browser sends straight to the bucket, one presigned PUT per part."""

    def __init__(self, storage: S3Storage):
        self.s3 = storage

    def create(self, key: str, content_type: str) -> str:
        s3 = self.s3
        found = s3.client.create_multipart_upload(Bucket=s3.bucket, Key=s3._key(key), ContentType=content_type)
        return str(found["UploadId"])

    def presign_part(self, key: str, upload_id: str, number: int, ttl: timedelta) -> str:
        s3 = self.s3
        params = {"Bucket": s3.bucket, "Key": s3._key(key), "UploadId": upload_id, "PartNumber": number}
        return cast(
            str,
            s3.client.generate_presigned_url("upload_part", Params=params, ExpiresIn=max(1, int(ttl.total_seconds()))),
        )

    def parts(self, key: str, upload_id: str) -> list[Part]:
        s3 = self.s3
        out: list[Part] = []
        try:
            pages = s3.client.get_paginator("list_parts").paginate(
                Bucket=s3.bucket, Key=s3._key(key), UploadId=upload_id
            )
            for page in pages:
                out += [Part(int(p["PartNumber"]), int(p["Size"]), str(p["ETag"])) for p in page.get("Parts", [])]
        except ClientError as exc:
            if _missing(exc) or exc.response.get("Error", {}).get("Code") == "NoSuchUpload":
                raise BlobNotFound(key) from exc
            raise
        return out

    def complete(self, key: str, upload_id: str, parts: list[Part]) -> None:
        s3 = self.s3
        s3.client.complete_multipart_upload(
            Bucket=s3.bucket,
            Key=s3._key(key),
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": p.number, "ETag": p.etag} for p in parts]},
        )

    def abort(self, key: str, upload_id: str) -> None:
        s3 = self.s3
        try:
            s3.client.abort_multipart_upload(Bucket=s3.bucket, Key=s3._key(key), UploadId=upload_id)
        except ClientError as exc:
            if not (_missing(exc) or exc.response.get("Error", {}).get("Code") == "NoSuchUpload"):
                raise


class S3Storage:
    name = "s3"

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        if not bucket:
            raise ValueError("S3_BUCKET must be set when MEDIA_BACKEND=s3")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.multipart: Multipart | None = S3Multipart(self)

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

    def copy(self, source: str, key: str) -> None:
        try:
            self.client.copy_object(
                Bucket=self.bucket, Key=self._key(key), CopySource={"Bucket": self.bucket, "Key": self._key(source)}
            )
        except ClientError as exc:
            if _missing(exc):
                raise BlobNotFound(source) from exc
            raise

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
