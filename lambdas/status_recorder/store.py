"""Lifecycle stores: the DynamoDB table of the real-time path, and an in-memory twin.

Both follow ``state.py``: the history item is written only if its key is new, and the state only
when the event is newer than the last one applied; an attribute of ``SET_IF_ABSENT`` is written
only when the state has none (``if_not_exists``). A retried event whose history item exists
still gets the state check, so a batch that failed between the two writes heals on redelivery.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from botocore.exceptions import ClientError

from lambdas.status_recorder.state import (
    SET_IF_ABSENT,
    STATE_SK,
    history_item,
    iso_utc,
    next_state,
    state_changes,
)
from ticket_platform.contracts import StreamEvent, event_id_of, occurred_at_of

# The DynamoDB form of state.applies_to.
_STATE_IS_OLDER = (
    "attribute_not_exists(last_event_at) OR last_event_at < :occurred_at"
    " OR (last_event_at = :occurred_at AND last_event_id <> :event_id)"
)


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    new_event: bool  # False: the history already had it (a redelivery)
    state_updated: bool  # False: an older event (or the same one again): the state stands


class LifecycleStore(Protocol):
    def record(self, event: StreamEvent, recorded_at: datetime) -> RecordOutcome:
        """Append ``event`` to the history and move the ticket's state if it is newer."""
        ...


class DynamoLifecycleStore:
    """``LifecycleStore`` on the ticket table (a boto3 ``Table`` resource)."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def record(self, event: StreamEvent, recorded_at: datetime) -> RecordOutcome:
        new_event = self._append(history_item(event, recorded_at))
        return RecordOutcome(new_event, self._apply(event, recorded_at))

    def _append(self, item: Mapping[str, Any]) -> bool:
        try:
            self.table.put_item(Item=dict(item), ConditionExpression="attribute_not_exists(sk)")
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def _apply(self, event: StreamEvent, updated_at: datetime) -> bool:
        changes = state_changes(event, updated_at)
        names = {f"#a{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": value for i, value in enumerate(changes.values())}
        values[":occurred_at"] = iso_utc(occurred_at_of(event))
        values[":event_id"] = event_id_of(event)
        assignments = ", ".join(
            f"#a{i} = if_not_exists(#a{i}, :v{i})" if name in SET_IF_ABSENT else f"#a{i} = :v{i}"
            for i, name in enumerate(changes)
        )
        try:
            self.table.update_item(
                Key={"ticket_id": event.ticketId, "sk": STATE_SK},
                UpdateExpression=f"SET {assignments}",
                ConditionExpression=_STATE_IS_OLDER,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True


class MemoryLifecycleStore:
    """``LifecycleStore`` in a dict, keyed like the table: ``(ticket_id, sk) -> item``."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}

    def record(self, event: StreamEvent, recorded_at: datetime) -> RecordOutcome:
        item = history_item(event, recorded_at)
        new_event = (item["ticket_id"], item["sk"]) not in self.items
        if new_event:
            self.items[(item["ticket_id"], item["sk"])] = item
        key = (event.ticketId, STATE_SK)
        current = self.items.get(key)
        state = next_state(current, event, recorded_at)
        if state is not None:
            self.items[key] = {**state, "ticket_id": event.ticketId, "sk": STATE_SK}
        return RecordOutcome(new_event, state is not None)

    def state(self, ticket_id: str) -> dict[str, Any] | None:
        return self.items.get((ticket_id, STATE_SK))

    def history(self, ticket_id: str) -> list[dict[str, Any]]:
        """The ticket's events in time order (the table's sort-key order)."""
        return [
            item
            for (tid, sk), item in sorted(self.items.items())
            if tid == ticket_id and sk != STATE_SK
        ]


def _conditional_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
