"""The offline stand-in for Kinesis Firehose: every stream record lands in the lake's ``events/``
prefix as gzip JSON lines, one object per hour of arrival, as Firehose delivers them in AWS.

Object names are deterministic (stream, run tag, chunk, hour), so running the same simulation
again overwrites its files instead of adding copies.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from datetime import datetime

import orjson

from ticket_platform.ingest.events import EVENTS_PREFIX
from ticket_platform.ingest.landing import Landing


class EventLakeWriter:
    """Buffers stream records by hour of arrival; ``flush`` writes one object per hour."""

    def __init__(self, landing: Landing, *, run_tag: str, stream_name: str = "ticket-events"):
        self.landing = landing
        self.run_tag = run_tag
        self.stream_name = stream_name
        self._chunk = 0
        self._hours: dict[datetime, list[bytes]] = defaultdict(list)

    def add(self, record: bytes, arrival: datetime) -> None:
        hour = arrival.replace(minute=0, second=0, microsecond=0)
        self._hours[hour].append(record.rstrip(b"\n"))

    def flush(self) -> list[str]:
        """Write what is buffered; returns the keys written."""
        keys = []
        for hour in sorted(self._hours):
            records = self._hours[hour]
            key = (
                f"{EVENTS_PREFIX}/{hour:%Y/%m/%d}/{self.stream_name}-{self.run_tag}-"
                f"c{self._chunk:05d}-{hour:%Y-%m-%d-%H}.jsonl.gz"
            )
            body = gzip.compress(b"\n".join(records) + b"\n", mtime=0)
            self.landing.write(key, body)
            keys.append(key)
        self._hours.clear()
        self._chunk += 1
        return keys


def encode_record(event: dict) -> bytes:
    """A stream record's bytes: compact JSON, timestamps as ISO-8601 UTC with ``Z``."""
    return orjson.dumps(event, option=orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC)
