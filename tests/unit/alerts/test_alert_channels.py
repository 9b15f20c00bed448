"""Channels: the local log, SNS (botocore Stubber and moto), Slack (a local webhook server)."""

import json
import logging
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from slack_sdk.webhook import WebhookClient

from ticket_platform.alerts.alert import Alert
from ticket_platform.alerts.channels import (
    DeliveryError,
    LogChannel,
    SlackChannel,
    SnsChannel,
    alert_channels,
    mask_webhook_url,
    sns_client,
)

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:ticket-alerts"
SECRET = "XXXXsecretXXXX"


def _alert(**changes) -> Alert:
    fields = {
        "kind": "check_failure",
        "severity": "warning",
        "title": "Check quarantine_rate failed",
        "reason": "7% of yesterday's records were quarantined (limit 5%).",
        "details": {"partition": "2025-08-08", "rate": 0.07},
        "dedupe_key": "check_failure:quarantine_rate:2025-08-08",
        "occurred_at": datetime(2025, 8, 9, 6, 0, tzinfo=UTC),
    }
    return Alert(**(fields | changes))


# --- log -------------------------------------------------------------------------------------
def test_log_channel_appends_one_json_line_per_alert(tmp_path: Path):
    path = tmp_path / "nested" / "alerts.jsonl"
    channel = LogChannel(path)
    first, second = _alert(), _alert(dedupe_key="other")
    channel.send(first)
    channel.send(second)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["dedupe_key"] for line in lines] == [first.dedupe_key, "other"]
    assert lines[0]["channel"] == "log" and lines[0]["alert_id"] == first.alert_id
    assert lines[0]["details"] == {"partition": "2025-08-08", "rate": 0.07}
    assert lines[0]["occurred_at"].startswith("2025-08-09T06:00:00")
    assert channel.recipient == str(path)


def test_log_channel_failure_is_a_delivery_error(tmp_path: Path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("")
    with pytest.raises(DeliveryError, match="cannot append"):
        LogChannel(blocker / "alerts.jsonl").send(_alert())


# --- SNS -------------------------------------------------------------------------------------
def test_sns_channel_publishes_subject_text_and_attributes():
    client = boto3.client("sns", region_name="us-east-1")
    alert = _alert()
    with Stubber(client) as stubber:
        stubber.add_response(
            "publish",
            {"MessageId": "m-1"},
            {
                "TopicArn": TOPIC_ARN,
                "Subject": "[WARNING] ticket-platform: Check quarantine_rate failed",
                "Message": alert.text(),
                "MessageAttributes": {
                    "kind": {"DataType": "String", "StringValue": "check_failure"},
                    "severity": {"DataType": "String", "StringValue": "warning"},
                },
            },
        )
        SnsChannel(client, TOPIC_ARN).send(alert)
        stubber.assert_no_pending_responses()


def test_sns_client_error_becomes_a_delivery_error_with_code_and_message():
    client = boto3.client("sns", region_name="us-east-1")
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "publish",
            service_error_code="AuthorizationError",
            service_message="User is not authorized to perform SNS:Publish",
            http_status_code=403,
        )
        with pytest.raises(DeliveryError) as raised:
            SnsChannel(client, TOPIC_ARN).send(_alert())
    message = str(raised.value)
    assert TOPIC_ARN in message and "AuthorizationError" in message
    assert "not authorized" in message


def test_sns_client_uses_botocores_standard_retries():
    client = sns_client("eu-west-1")
    assert client.meta.region_name == "eu-west-1"
    # botocore reads "max_attempts" as retries: the first call plus five more
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 6}


def test_sns_message_reaches_a_subscribed_queue(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        topic_arn = sns.create_topic(Name="ticket-alerts")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        sns.subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"]
        )
        alert = _alert()
        SnsChannel(sns, topic_arn).send(alert)
        [message] = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    envelope = json.loads(message["Body"])
    assert envelope["Subject"] == alert.subject() and envelope["Message"] == alert.text()
    assert envelope["MessageAttributes"]["severity"] == {"Type": "String", "Value": "warning"}


# --- Slack -----------------------------------------------------------------------------------
class _Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.server.requests.append((self.path, json.loads(self.rfile.read(length))))
        status, body = self.server.replies.pop(0) if self.server.replies else (200, "ok")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    """A local stand-in for Slack: records (path, JSON body) and answers ``replies`` in turn."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    server.requests, server.replies = [], []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}/services/T0001/B0002/{SECRET}"
    yield server
    server.shutdown()
    server.server_close()


def test_slack_channel_posts_blocks_and_a_text_fallback(webhook):
    alert = _alert(link="http://127.0.0.1:3000/runs/r1")
    SlackChannel(webhook.url).send(alert)
    [(path, body)] = webhook.requests
    assert path.endswith(SECRET)
    assert body["text"] == alert.text()
    assert body["blocks"] == alert.slack_blocks()
    assert body["blocks"][0]["type"] == "header"


def test_slack_server_error_is_retried_by_the_sdk_without_logging_the_url(webhook, caplog):
    caplog.set_level(logging.DEBUG)
    webhook.replies = [(500, "internal_error")]
    SlackChannel(webhook.url).send(_alert())
    assert len(webhook.requests) == 2
    assert SECRET not in caplog.text


def test_slack_client_error_is_a_delivery_error_without_the_secret(webhook):
    webhook.replies = [(404, "no_service")]
    channel = SlackChannel(webhook.url)
    with pytest.raises(DeliveryError) as raised:
        channel.send(_alert())
    message = str(raised.value)
    assert "404" in message and "no_service" in message
    assert SECRET not in message and SECRET not in channel.recipient
    assert len(webhook.requests) == 1  # a 404 is not retried


def test_unreachable_slack_is_a_delivery_error_without_the_secret(webhook):
    url = webhook.url
    webhook.shutdown()
    webhook.server_close()
    channel = SlackChannel(url, client=WebhookClient(url, timeout=2, retry_handlers=[]))
    with pytest.raises(DeliveryError, match="unreachable") as raised:
        channel.send(_alert())
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            f"https://hooks.slack.com/services/T0123/B0456/{SECRET}",
            "https://hooks.slack.com/services/T0123/***",
        ),
        (f"http://user:pw@127.0.0.1:8080/hook/{SECRET}", "http://127.0.0.1:8080/hook/***"),
        ("https://example.com/only", "https://example.com/***"),
    ],
)
def test_webhook_urls_are_masked(url, masked):
    assert mask_webhook_url(url) == masked


# --- settings --------------------------------------------------------------------------------
def test_alert_channels(tmp_path: Path):
    log = tmp_path / "alerts.jsonl"
    [only] = alert_channels(log_path=log)
    assert isinstance(only, LogChannel) and only.recipient == str(log)

    stub = object()
    [sns] = alert_channels(sns_topic_arn=TOPIC_ARN, log_path=log, sns_client=stub)
    assert isinstance(sns, SnsChannel) and sns.client is stub

    webhook_url = f"https://hooks.slack.com/services/T1/B2/{SECRET}"
    sns, slack = alert_channels(
        sns_topic_arn="arn:aws:sns:eu-west-1:123456789012:alerts",
        slack_webhook_url=webhook_url,
        log_path=log,
    )
    assert [sns.name, slack.name] == ["sns", "slack"]
    assert sns.client.meta.region_name == "eu-west-1"  # the topic's region
    assert slack.recipient == "https://hooks.slack.com/services/T1/***"
