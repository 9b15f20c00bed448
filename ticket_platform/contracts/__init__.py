"""The ticket contract: the one definition of tickets and ticket events used by every reader and
writer, in the batch platform and in the real-time Lambdas alike (which bundle this package).

* ``tickets`` — the ``TicketSubmittedEvent`` a help desk puts on the Kinesis stream, and the flat
  ``ProcessedTicket`` the S3 writer stores at ``tickets/YYYY/MM/DD/ticket_<id>.json``.
* ``events`` — everything else on the stream: workflow milestones and help-desk events.
* ``routing`` — ``RoutingCorrection``: an analyst's correction of a ticket's owning team.
* ``workflow`` — shapes the workflow's tasks share: Comprehend's ``SentimentResult`` and the
  ``InvalidTicketError`` the workflow does not retry.
* ``style`` — the house style of a customer response (no contractions, no exclamation marks),
  which the response generator enforces and the judge grades.
* ``bedrock`` — which Bedrock errors are worth retrying, for the generator and the judge alike.

Only pydantic and orjson are imported here (botocore only as a type): the package must stay
light enough for a Lambda. It never imports the Lambda tree or Dagster (``tests/test_import_directions.py``).
"""

from ticket_platform.contracts.events import (
    DATA_MODELS,
    MILESTONE_OF_EVENT,
    WORKFLOW_EVENTS,
    EventName,
    EventSource,
    HelpdeskStatus,
    LifecycleEvent,
    Milestone,
    StreamEvent,
    UnknownEventError,
    event_data,
    event_id_of,
    milestone_of,
    occurred_at_of,
    parse_stream_event,
    submitted_event_id,
)
from ticket_platform.contracts.routing import RoutingCorrection
from ticket_platform.contracts.tickets import (
    SCHEMA_VERSION,
    TICKET_COLUMNS,
    ContractModel,
    CustomerContactInformation,
    Priority,
    ProcessedTicket,
    ProductIssueInformation,
    RecordSource,
    Sentiment,
    TicketData,
    TicketSubmittedEvent,
    lake_key,
    now_utc,
    ticket_row,
)
from ticket_platform.contracts.workflow import InvalidTicketError, SentimentResult, SentimentScore

__all__ = [
    "DATA_MODELS",
    "MILESTONE_OF_EVENT",
    "SCHEMA_VERSION",
    "TICKET_COLUMNS",
    "WORKFLOW_EVENTS",
    "ContractModel",
    "CustomerContactInformation",
    "EventName",
    "EventSource",
    "HelpdeskStatus",
    "InvalidTicketError",
    "LifecycleEvent",
    "Milestone",
    "Priority",
    "ProcessedTicket",
    "ProductIssueInformation",
    "RecordSource",
    "RoutingCorrection",
    "Sentiment",
    "SentimentResult",
    "SentimentScore",
    "StreamEvent",
    "TicketData",
    "TicketSubmittedEvent",
    "UnknownEventError",
    "event_data",
    "event_id_of",
    "lake_key",
    "milestone_of",
    "now_utc",
    "occurred_at_of",
    "parse_stream_event",
    "submitted_event_id",
    "ticket_row",
]
