"""Where processed tickets are written: a key-value store that skips identical rewrites."""

from typing import Any, Protocol

from botocore.exceptions import ClientError

CONTENT_TYPE = "application/json"


class TicketStore(Protocol):
    """The one operation the writer needs (S3 here, a local folder in the offline simulator)."""

    def put_if_changed(self, key: str, body: bytes) -> bool:
        """Store ``body`` at ``key`` unless the same bytes are there already; True if written."""
        ...


class S3TicketStore:
    """``TicketStore`` on an S3 bucket: reads the current object, puts only when it differs."""

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put_if_changed(self, key: str, body: bytes) -> bool:
        if self._current(key) == body:
            return False
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=CONTENT_TYPE)
        return True

    def _current(self, key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return response["Body"].read()
