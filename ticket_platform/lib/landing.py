"""The landing zone: where ticket files arrive, behind one small interface.

Two implementations: ``LocalLanding`` (a folder, the embedded default) and ``S3Landing`` (a bucket
and prefix, through a boto3 client). Keys are always relative to the landing root and use ``/``,
so ``tickets/2025/08/08/ticket_TKT-1.json`` means the same thing in both.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse


@dataclass(frozen=True, slots=True)
class LandingObject:
    key: str
    etag: str  # S3 ETag, or a size+mtime fingerprint for local files
    size: int
    last_modified: datetime


def _local_object(key: str, st: os.stat_result) -> LandingObject:
    return LandingObject(
        key=key,
        etag=f"{st.st_size:x}-{st.st_mtime_ns:x}",
        size=st.st_size,
        last_modified=datetime.fromtimestamp(st.st_mtime, UTC),
    )


def _s3_object(key: str, listed: dict[str, Any]) -> LandingObject:
    return LandingObject(
        key=key,
        etag=listed["ETag"].strip('"'),
        size=listed["Size"],
        last_modified=listed["LastModified"],
    )


class Landing(Protocol):
    uri: str

    def list(self, prefix: str) -> Iterator[LandingObject]:
        """Every object whose key starts with ``prefix``, in no guaranteed order."""
        ...

    def list_folders(self, prefix: str) -> tuple[list[str], list[LandingObject]]:
        """One level below ``prefix`` (which ends with ``/``): sub-folder names and files."""
        ...

    def read(self, key: str) -> bytes: ...

    def write(self, key: str, body: bytes) -> None: ...


class LocalLanding:
    """A folder on disk laid out like the S3 bucket."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).expanduser().resolve()
        self._root = str(self.root)
        self._made_dirs: set[str] = set()
        self.uri = self._root

    def _path(self, key: str) -> str:
        # A plain string check, not Path.resolve(): this runs once per file on the hot path.
        parts = key.split("/")
        if key.startswith("/") or "\\" in key or ".." in parts:
            raise ValueError(f"key {key!r} escapes the landing root {self.root}")
        return os.path.join(self._root, key)

    def list(self, prefix: str) -> Iterator[LandingObject]:
        # A prefix may end inside a name ("tickets/2025/08/0"); walk from its folder part.
        base = self._path(prefix.rsplit("/", 1)[0]) if "/" in prefix else self._root
        if not os.path.isdir(base):
            return
        root_len = len(str(self.root)) + 1
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                key = full[root_len:].replace(os.sep, "/")
                if not key.startswith(prefix) or name.startswith("."):
                    continue
                yield _local_object(key, os.stat(full))

    def list_folders(self, prefix: str) -> tuple[list[str], list[LandingObject]]:
        base = self._path(prefix.rstrip("/")) if prefix.strip("/") else self._root
        if not os.path.isdir(base):
            return [], []
        folders, files = [], []
        with os.scandir(base) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    folders.append(entry.name)
                else:
                    files.append(_local_object(f"{prefix}{entry.name}", entry.stat()))
        return sorted(folders), sorted(files, key=lambda o: o.key)

    def read(self, key: str) -> bytes:
        with open(self._path(key), "rb") as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def write(self, key: str, body: bytes) -> None:
        path = self._path(key)
        folder, name = os.path.split(path)
        if folder not in self._made_dirs:
            os.makedirs(folder, exist_ok=True)
            self._made_dirs.add(folder)
        tmp = os.path.join(folder, f".{name}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(body)
        os.replace(tmp, path)  # readers never see a half-written file


class S3Landing:
    """A bucket and prefix in S3, read with a paginated ``list_objects_v2``."""

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.uri = f"s3://{bucket}/{self.prefix}".rstrip("/")

    def _full(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def list(self, prefix: str) -> Iterator[LandingObject]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._full(prefix)):
            for obj in page.get("Contents", ()):
                yield _s3_object(obj["Key"][strip:], obj)

    def list_folders(self, prefix: str) -> tuple[list[str], list[LandingObject]]:
        strip = len(self._full(prefix))
        folders: list[str] = []
        files: list[LandingObject] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(
            Bucket=self.bucket, Prefix=self._full(prefix), Delimiter="/"
        ):
            folders += [p["Prefix"][strip:].rstrip("/") for p in page.get("CommonPrefixes", ())]
            files += [
                _s3_object(f"{prefix}{obj['Key'][strip:]}", obj) for obj in page.get("Contents", ())
            ]
        return folders, files

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._full(key))["Body"].read()

    def write(self, key: str, body: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._full(key),
            Body=body,
            ContentMD5=_b64md5(body),
        )


def _b64md5(body: bytes) -> str:
    import base64

    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def parse_landing_uri(uri: str) -> tuple[str, str, str]:
    """``("s3", bucket, prefix)`` or ``("local", path, "")`` for a landing URI or path."""
    parsed = urlparse(uri)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError(f"S3 landing URI {uri!r} has no bucket")
        return "s3", parsed.netloc, parsed.path.strip("/")
    if parsed.scheme in ("", "file"):
        return "local", parsed.path if parsed.scheme == "file" else uri, ""
    raise ValueError(f"unsupported landing URI {uri!r}: use a folder path or s3://bucket/prefix")


def landing_from_uri(uri: str, s3_client: Any = None) -> Landing:
    kind, location, prefix = parse_landing_uri(uri)
    if kind == "s3":
        if s3_client is None:
            import boto3

            s3_client = boto3.client("s3")
        return S3Landing(s3_client, location, prefix)
    return LocalLanding(location)
