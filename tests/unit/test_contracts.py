from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError

from ticket_platform.contracts import (
    TICKET_COLUMNS,
    ProcessedTicket,
    TicketSubmittedEvent,
    lake_key,
    ticket_row,
)


def _seed(seed_lines, index=0) -> dict:
    return orjson.loads(seed_lines[index])


def test_every_seed_ticket_is_accepted_and_taken_as_utc(seed_lines):
    tickets = [ProcessedTicket.model_validate_json(line) for line in seed_lines]
    assert len({t.ticket_id for t in tickets}) == 100
    first = tickets[0]
    assert first.submitted_at == datetime(2025, 8, 8, 20, 54, 18, 524355, tzinfo=UTC)
    assert first.schema_version == 1
    assert first.record_source == "seed_system"
    assert first.company is None


def test_iso_offsets_are_normalized_to_utc(seed_lines):
    record = _seed(seed_lines) | {
        "submitted_at": "2025-08-08T22:54:18+02:00",
        "processed_at": "2025-08-08T16:54:23-04:00",
    }
    ticket = ProcessedTicket.model_validate(record)
    assert ticket.submitted_at == datetime(2025, 8, 8, 20, 54, 18, tzinfo=UTC)
    assert ticket.processed_at == datetime(2025, 8, 8, 20, 54, 23, tzinfo=UTC)


def test_lake_key_uses_the_utc_day_of_submission(seed_lines):
    record = _seed(seed_lines) | {
        "submitted_at": "2025-08-09T01:30:00+05:00",
        "processed_at": "2025-08-09T01:30:05+05:00",
    }
    ticket = ProcessedTicket.model_validate(record)
    assert ticket.lake_key() == f"tickets/2025/08/08/ticket_{ticket.ticket_id}.json"
    assert (
        lake_key("T-1", datetime(2025, 1, 2, 3, tzinfo=UTC)) == "tickets/2025/01/02/ticket_T-1.json"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"priority": "URGENT"}, "priority"),
        ({"sentiment": "ANGRY"}, "sentiment"),
        ({"sentiment_score_negative": 1.5}, "sentiment_score_negative"),
        ({"sentiment_score_mixed": "high"}, "sentiment_score_mixed"),
        ({"ticket_id": ""}, "ticket_id"),
        ({"ticket_id": "../../etc/passwd"}, "ticket_id"),
        ({"customer_email": "not-an-email"}, "customer_email"),
        ({"subject": 42}, "subject"),
        ({"submitted_at": "yesterday"}, "submitted_at"),
        ({"schema_version": 99}, "schema_version"),
    ],
)
def test_invalid_fields_are_rejected_by_name(seed_lines, change, field):
    with pytest.raises(ValidationError) as error:
        ProcessedTicket.model_validate(_seed(seed_lines) | change)
    assert field in {str(item["loc"][0]) for item in error.value.errors()}


def test_missing_ticket_id_is_rejected(seed_lines):
    record = _seed(seed_lines)
    del record["ticket_id"]
    with pytest.raises(ValidationError, match="ticket_id"):
        ProcessedTicket.model_validate(record)


def test_processed_before_submitted_is_rejected(seed_lines):
    record = _seed(seed_lines) | {"processed_at": "2025-08-08 20:00:00"}
    with pytest.raises(ValidationError, match="before submitted_at"):
        ProcessedTicket.model_validate(record)


def test_ticket_row_is_flat_warehouse_values_in_contract_order(seed_lines):
    row = ticket_row(ProcessedTicket.model_validate_json(seed_lines[0]))
    assert tuple(row) == TICKET_COLUMNS
    assert row["submitted_at"].tzinfo is None
    assert type(row["priority"]) is str and row["priority"] == "MEDIUM"


def test_kinesis_event_shape_is_parsed():
    event = TicketSubmittedEvent.model_validate(
        {
            "eventName": "TicketSubmitted",
            "ticketId": "TKT-1",
            "submittedAt": "2025-08-08T20:54:18.524Z",
            "data": {
                "subject": "S3 access denied",
                "description": "Our bucket returns 403.",
                "customer_contact_information": {
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "full_name": "Ada Lovelace",
                    "email": "ada@example.com",
                    "company": "Analytical Engines",
                },
                "product_issue_information": {
                    "product": "Amazon S3",
                    "issue_type": "Access Permissions",
                },
            },
        }
    )
    assert event.submittedAt.tzinfo == UTC
    assert event.data.customer_contact_information.company == "Analytical Engines"
