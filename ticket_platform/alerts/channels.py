"""Where alerts go: a local JSON-lines log, an SNS topic, a Slack incoming webhook.

Each channel's ``send`` either delivers or raises ``DeliveryError``; retries of transient
failures happen inside the client libraries (botocore's standard mode, slack_sdk's retry
handlers), so a ``DeliveryError`` means the attempt is over.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import orjson

from ticket_platform.alerts.alert import Alert

SNS_RETRIES = 5  # botocore's "max_attempts": retries after the first call
SLACK_RETRIES = 2
SLACK_TIMEOUT_SECONDS = 10

# slack_sdk logs the full webhook URL (a secret) at INFO/DEBUG unless its logger's own level is
# above DEBUG, so the webhook client gets a logger that only lets warnings through.
_slack_logger = logging.getLogger(f"{__name__}.slack_sdk")
_slack_logger.setLevel(logging.WARNING)


class DeliveryError(Exception):
    """A channel could not deliver an alert; the message says why (never a secret)."""


class Channel(Protocol):
    name: str  # log | sns | slack
    recipient: str  # where it went, safe to store and show

    def send(self, alert: Alert) -> None: ...


class LogChannel:
    """One JSON line per alert appended to a local file (the default when nothing else is set)."""

    name = "log"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.recipient = str(self.path)

    def send(self, alert: Alert) -> None:
        line = orjson.dumps(alert.model_dump(mode="json") | {"channel": self.name}) + b"\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as out:
                out.write(line)
        except OSError as error:
            raise DeliveryError(f"cannot append to {self.path}: {error}") from error


class SnsChannel:
    """Publishes to an SNS topic: the subject line, the plain text, kind and severity attributes."""

    name = "sns"

    def __init__(self, client: Any, topic_arn: str):
        self.client = client
        self.topic_arn = topic_arn
        self.recipient = topic_arn

    def send(self, alert: Alert) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.publish(
                TopicArn=self.topic_arn,
                Subject=alert.subject(),
                Message=alert.text(),
                MessageAttributes={
                    "kind": {"DataType": "String", "StringValue": alert.kind},
                    "severity": {"DataType": "String", "StringValue": alert.severity},
                },
            )
        except ClientError as error:
            details = error.response.get("Error", {})
            code = details.get("Code") or error.response.get("ResponseMetadata", {}).get(
                "HTTPStatusCode", "ClientError"
            )
            message = details.get("Message") or str(error)
            raise DeliveryError(
                f"SNS publish to {self.topic_arn} failed: {code}: {message}"
            ) from error
        except BotoCoreError as error:
            raise DeliveryError(f"SNS publish to {self.topic_arn} failed: {error}") from error


def sns_client(region: str | None = None) -> Any:
    """An SNS client that retries throttling and 5xx itself (botocore standard mode)."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": SNS_RETRIES})
    return boto3.client("sns", region_name=region, config=config)


class SlackChannel:
    """Posts Block Kit blocks (and a plain-text fallback) to a Slack incoming webhook."""

    name = "slack"

    def __init__(self, webhook_url: str, client: Any = None):
        self._url = webhook_url
        self.recipient = mask_webhook_url(webhook_url)
        self.client = client if client is not None else slack_webhook_client(webhook_url)

    def send(self, alert: Alert) -> None:
        try:
            response = self.client.send(text=alert.text(), blocks=alert.slack_blocks())
        except Exception as error:  # URLError, timeouts, ... after the retry handlers gave up
            text = str(error).replace(self._url, self.recipient)
            raise DeliveryError(
                f"Slack webhook {self.recipient} unreachable: {type(error).__name__}: {text}"
            ) from error
        if response.status_code != 200:
            body = (response.body or "")[:300]
            raise DeliveryError(
                f"Slack webhook {self.recipient} returned HTTP {response.status_code}: {body}"
            )


def slack_webhook_client(webhook_url: str) -> Any:
    """A webhook client that retries connection errors, 429 (honouring Retry-After) and 500/503."""
    from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
    from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
    from slack_sdk.webhook import WebhookClient

    return WebhookClient(
        webhook_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        logger=_slack_logger,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=SLACK_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=SLACK_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SLACK_RETRIES),
        ],
    )


def mask_webhook_url(url: str) -> str:
    """The webhook URL without its secret: ``https://hooks.slack.com/services/T0123/***``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    segments = [s for s in parts.path.split("/") if s]
    # Slack's path is /services/<team>/<bot>/<secret>: the team id is not secret, the rest is.
    keep = 2 if segments[:1] == ["services"] else 1
    shown = "/".join(segments[:keep]) + "/" if len(segments) > keep else ""
    return f"{parts.scheme}://{host}/{shown}***"


def alert_channels(
    *,
    log_path: str | Path,
    sns_topic_arn: str | None = None,
    slack_webhook_url: str | None = None,
    sns_client: Any = None,
) -> list[Channel]:
    """SNS if a topic is set, Slack if a webhook is set; the local log only when neither is.

    The log is a fallback rather than a permanent extra channel: the audit table already keeps
    every alert, and a log that always succeeds would mark alerts delivered while SNS and Slack
    both failed, so they would never be retried.
    """
    channels: list[Channel] = []
    if sns_topic_arn:
        client = sns_client if sns_client is not None else _sns_client_for(sns_topic_arn)
        channels.append(SnsChannel(client, sns_topic_arn))
    if slack_webhook_url:
        channels.append(SlackChannel(slack_webhook_url))
    return channels or [LogChannel(log_path)]


def _sns_client_for(topic_arn: str) -> Any:
    # arn:aws:sns:<region>:<account>:<topic>: the topic's region, wherever the code runs.
    parts = topic_arn.split(":")
    return sns_client(parts[3] if len(parts) > 5 and parts[3] else None)
