"""Builders of realistic ticket events, Kinesis batches and workflow state for the Lambda tests."""

import base64
from typing import Any

import orjson

REGION = "us-east-1"


def submitted_event(ticket_id: str = "TKT-20250808-1046", **overrides: Any) -> dict[str, Any]:
    """A ``TicketSubmitted`` event as a help desk puts it on the stream."""
    event: dict[str, Any] = {
        "eventName": "TicketSubmitted",
        "ticketId": ticket_id,
        "submittedAt": "2025-08-08T20:54:18.524355Z",
        "data": {
            "subject": "Production API down after Auto Scaling event",
            "description": (
                "Since 20:31 UTC our production instances behind the load balancer fail their "
                "health checks and the API returns 503 errors. We have already rebooted two "
                "instances without success. This is an outage for our customers."
            ),
            "customer_contact_information": {
                "first_name": "Priya",
                "last_name": "Raman",
                "full_name": "Priya Raman",
                "email": "priya.raman@northwind.example",
                "company": "Northwind Traders",
            },
            "product_issue_information": {
                "product": "Amazon EC2",
                "issue_type": "Instance Connectivity",
            },
        },
    }
    event.update(overrides)
    return event


def lifecycle_event(
    event_name: str,
    occurred_at: str,
    data: dict[str, Any],
    ticket_id: str = "TKT-20250808-1046",
    source: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A lifecycle event (workflow milestone or help-desk event)."""
    workflow = {
        "SentimentScored": "SENTIMENT_SCORED",
        "ResponseGenerated": "RESPONSE_GENERATED",
        "TicketStored": "STORED",
        "TicketEscalated": "ESCALATED",
        "TicketProcessingFailed": "PROCESSING_FAILED",
    }
    if event_id is None:
        suffix = workflow.get(event_name) or f"{event_name}-{occurred_at}"
        event_id = f"ticket-{ticket_id}:{suffix}"
    return {
        "eventName": event_name,
        "eventId": event_id,
        "ticketId": ticket_id,
        "occurredAt": occurred_at,
        "source": source or ("workflow" if event_name in workflow else "helpdesk"),
        "data": data,
    }


SENTIMENT = {
    "Sentiment": "NEGATIVE",
    "SentimentScore": {"Positive": 0.01, "Negative": 0.93, "Neutral": 0.05, "Mixed": 0.01},
}


def kinesis_record(payload: Any, sequence_number: str) -> dict[str, Any]:
    """One Lambda Kinesis record; ``payload`` as bytes is sent as is (for broken records)."""
    data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return {
        "eventSource": "aws:kinesis",
        "eventID": f"shardId-000000000000:{sequence_number}",
        "awsRegion": REGION,
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "TKT",
            "sequenceNumber": sequence_number,
            "data": base64.b64encode(data).decode(),
            "approximateArrivalTimestamp": 1754686458.524,
        },
    }


def kinesis_event(*payloads: Any, first_sequence: int = 49_600_000) -> dict[str, Any]:
    """A Lambda Kinesis batch event; a ``str`` payload is put in ``data`` verbatim (not base64)."""
    records = []
    for offset, payload in enumerate(payloads):
        sequence = str(first_sequence + offset)
        if isinstance(payload, str):
            record = kinesis_record(b"", sequence)
            record["kinesis"]["data"] = payload
        else:
            record = kinesis_record(payload, sequence)
        records.append(record)
    return {"Records": records}
