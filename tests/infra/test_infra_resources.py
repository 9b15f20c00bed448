"""The synthesized stack: every resource type with the properties that make it correct and safe."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match, Template
from infra_synth import ALERT_EMAILS, Synth

FUNCTIONS = ("trigger_sfn", "response_generator", "s3_writer", "status_recorder")
DENY_INSECURE = Match.object_like(
    {
        "Effect": "Deny",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
)


@pytest.fixture(scope="module")
def template(synth: Synth) -> Template:
    return Template.from_json(synth.template)


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        ("AWS::Kinesis::Stream", 1),
        ("AWS::KinesisFirehose::DeliveryStream", 1),
        ("AWS::Lambda::Function", 4),
        ("AWS::Lambda::LayerVersion", 1),
        ("AWS::Lambda::EventSourceMapping", 2),
        ("AWS::StepFunctions::StateMachine", 1),
        ("AWS::DynamoDB::Table", 1),
        ("AWS::SNS::Topic", 1),
        ("AWS::SNS::Subscription", len(ALERT_EMAILS)),
        ("AWS::S3::Bucket", 2),
        ("AWS::SQS::Queue", 3),
        ("AWS::KMS::Key", 1),
        ("AWS::CloudWatch::Alarm", 10),
        ("AWS::SecretsManager::Secret", 1),
        ("AWS::IAM::ManagedPolicy", 1),
    ],
)
def test_resource_counts(template: Template, kind: str, count: int) -> None:
    template.resource_count_is(kind, count)


def test_stream_is_kms_encrypted_and_on_demand(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Kinesis::Stream",
        {
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            "StreamModeDetails": {"StreamMode": "ON_DEMAND"},
            "RetentionPeriodHours": 24,
        },
    )


def test_table_schema_pitr_encryption_and_billing(template: Template) -> None:
    template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "Properties": Match.object_like(
                {
                    "KeySchema": [
                        {"AttributeName": "ticket_id", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                    "AttributeDefinitions": Match.array_with(
                        [
                            {"AttributeName": "ticket_id", "AttributeType": "S"},
                            {"AttributeName": "sk", "AttributeType": "S"},
                        ]
                    ),
                    "BillingMode": "PAY_PER_REQUEST",
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                    "SSESpecification": {"SSEEnabled": True},
                    "DeletionProtectionEnabled": True,
                }
            ),
            "DeletionPolicy": "Retain",
        },
    )


def test_ticket_bucket_is_private_encrypted_versioned_and_logged(synth: Synth) -> None:
    logs_id = next(
        name
        for name, bucket in synth.resources("AWS::S3::Bucket").items()
        if "LoggingConfiguration" not in bucket["Properties"]
    )
    template = Template.from_json(synth.template)
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": Match.object_like(
                {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "LoggingConfiguration": {
                        "DestinationBucketName": {"Ref": logs_id},
                        "LogFilePrefix": "ticket-bucket/",
                    },
                }
            ),
            "DeletionPolicy": "Retain",
        },
    )
    for bucket in synth.resources("AWS::S3::Bucket").values():
        assert "BucketEncryption" in bucket["Properties"]
        assert bucket["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]


def test_buckets_enforce_tls(template: Template, synth: Synth) -> None:
    policies = synth.resources("AWS::S3::BucketPolicy")
    assert len(policies) == 2
    template.resource_properties_count_is(
        "AWS::S3::BucketPolicy",
        {"PolicyDocument": {"Statement": Match.array_with([DENY_INSECURE])}},
        2,
    )


def test_lifecycle_of_events_staging_and_errors(synth: Synth) -> None:
    (bucket,) = [
        b
        for b in synth.resources("AWS::S3::Bucket").values()
        if "VersioningConfiguration" in b["Properties"]
    ]
    rules = {rule["Id"]: rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert rules["raw-events"]["Prefix"] == "events/"
    assert rules["raw-events"]["ExpirationInDays"] == 365
    assert [t["StorageClass"] for t in rules["raw-events"]["Transitions"]] == [
        "STANDARD_IA",
        "GLACIER_IR",
    ]
    assert rules["redshift-staging"] == {
        "Id": "redshift-staging",
        "Prefix": "redshift-staging/",
        "ExpirationInDays": 7,
        "Status": "Enabled",
    }
    assert rules["firehose-errors"]["Prefix"] == "errors/firehose/"
    assert rules["bucket-hygiene"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rules["bucket-hygiene"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_queues_are_encrypted_and_tls_only(template: Template) -> None:
    template.all_resources_properties(
        "AWS::SQS::Queue",
        {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 14 * 24 * 3600},
    )
    template.resource_properties_count_is(
        "AWS::SQS::QueuePolicy",
        {"PolicyDocument": {"Statement": Match.array_with([DENY_INSECURE])}},
        3,
    )


def test_alert_topic_is_kms_encrypted_tls_only_with_email_subscriptions(
    template: Template, synth: Synth
) -> None:
    key_id, _ = synth.one("AWS::KMS::Key")
    topic_id, _ = synth.one("AWS::SNS::Topic")
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "Topics": [{"Ref": topic_id}],
            "PolicyDocument": {"Statement": Match.array_with([DENY_INSECURE])},
        },
    )
    endpoints = {
        s["Properties"]["Endpoint"]
        for s in synth.resources("AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "email"
        and s["Properties"]["TopicArn"] == {"Ref": topic_id}
    }
    assert endpoints == set(ALERT_EMAILS)


def test_key_rotates_and_lets_cloudwatch_alarms_publish(template: Template) -> None:
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            }
                        )
                    ]
                )
            },
        },
    )


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functions_run_python_312_traced_with_the_layer(synth: Synth, name: str) -> None:
    _, function = synth.function(name)
    properties = function["Properties"]
    layer_id, _ = synth.one("AWS::Lambda::LayerVersion")
    assert properties["Runtime"] == "python3.12"
    assert properties["Architectures"] == ["x86_64"]
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert properties["Layers"] == [{"Ref": layer_id}]
    log_group_id = properties["LoggingConfig"]["LogGroup"]["Ref"]
    assert synth.template["Resources"][log_group_id]["Properties"]["RetentionInDays"] == 30


def test_layer_targets_python_312_x86(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {"CompatibleRuntimes": ["python3.12"], "CompatibleArchitectures": ["x86_64"]},
    )


def test_function_environments(synth: Synth) -> None:
    def env(name: str) -> dict:
        return synth.function(name)[1]["Properties"]["Environment"]["Variables"]

    table_id, _ = synth.one("AWS::DynamoDB::Table")
    machine_id, _ = synth.one("AWS::StepFunctions::StateMachine")
    assert env("trigger_sfn") == {"STATE_MACHINE_ARN": {"Ref": machine_id}}
    assert env("status_recorder") == {"TICKET_TABLE": {"Ref": table_id}}
    assert env("response_generator") == {
        "BEDROCK_MODEL_ID": "us.amazon.nova-pro-v1:0",
        "BEDROCK_TEMPERATURE": "0.2",
    }
    writer = env("s3_writer")
    assert writer["TICKET_PREFIX"] == "tickets" and writer["RECORD_SOURCE"] == "realtime"
    assert writer["TICKET_BUCKET"]["Ref"] in synth.resources("AWS::S3::Bucket")


@pytest.mark.parametrize(
    ("name", "queue_prefix"),
    [("trigger_sfn", "TriggerFailures"), ("status_recorder", "RecorderFailures")],
)
def test_stream_consumers_report_item_failures_and_dead_letter(
    synth: Synth, name: str, queue_prefix: str
) -> None:
    function_id, _ = synth.function(name)
    stream_id, _ = synth.one("AWS::Kinesis::Stream")
    (mapping,) = [
        m["Properties"]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [stream_id, "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["MaximumRetryAttempts"] > 0
    queue_id = mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert queue_id.startswith(queue_prefix)
    assert synth.template["Resources"][queue_id]["Type"] == "AWS::SQS::Queue"


def test_firehose_archives_every_raw_event_as_gzip_json_lines(synth: Synth) -> None:
    stream_id, _ = synth.one("AWS::Kinesis::Stream")
    _, delivery = synth.one("AWS::KinesisFirehose::DeliveryStream")
    properties = delivery["Properties"]
    assert properties["DeliveryStreamType"] == "KinesisStreamAsSource"
    source = properties["KinesisStreamSourceConfiguration"]
    assert source["KinesisStreamARN"] == {"Fn::GetAtt": [stream_id, "Arn"]}
    destination = properties["ExtendedS3DestinationConfiguration"]
    assert destination["Prefix"] == "events/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/"
    assert destination["ErrorOutputPrefix"].startswith(
        "errors/firehose/!{firehose:error-output-type}/"
    )
    assert destination["CompressionFormat"] == "GZIP"
    assert destination["FileExtension"] == ".jsonl.gz"
    (processor,) = destination["ProcessingConfiguration"]["Processors"]
    assert processor["Type"] == "AppendDelimiterToRecord"
    assert destination["ProcessingConfiguration"]["Enabled"] is True
    assert destination["CloudWatchLoggingOptions"]["Enabled"] is True
    bucket_id = destination["BucketARN"]["Fn::GetAtt"][0]
    assert "VersioningConfiguration" in synth.template["Resources"][bucket_id]["Properties"]
    # Created only once its role may read the stream and write the bucket.
    assert any(d.startswith("EventArchiveRoleDefaultPolicy") for d in delivery["DependsOn"])


def test_every_alarm_notifies_the_alert_topic(synth: Synth) -> None:
    topic_id, _ = synth.one("AWS::SNS::Topic")
    for name, alarm in synth.resources("AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}], name
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching", name


def test_alarms_cover_workflow_functions_queues_and_stream(synth: Synth) -> None:
    watched: dict[str, list] = {}
    for alarm in synth.resources("AWS::CloudWatch::Alarm").values():
        properties = alarm["Properties"]
        (dimension,) = properties["Dimensions"]
        watched.setdefault(properties["MetricName"], []).append(dimension["Value"])
    machine_id, _ = synth.one("AWS::StepFunctions::StateMachine")
    stream_id, _ = synth.one("AWS::Kinesis::Stream")
    assert watched["ExecutionsFailed"] == [{"Ref": machine_id}]
    assert watched["ExecutionsTimedOut"] == [{"Ref": machine_id}]
    assert sorted(v["Ref"] for v in watched["Errors"]) == sorted(
        synth.function(name)[0] for name in FUNCTIONS
    )
    assert sorted(v["Fn::GetAtt"][0] for v in watched["ApproximateNumberOfMessagesVisible"]) == (
        sorted(synth.resources("AWS::SQS::Queue"))
    )
    assert watched["GetRecords.IteratorAgeMilliseconds"] == [{"Ref": stream_id}]


def test_iterator_age_alarm_threshold(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "GetRecords.IteratorAgeMilliseconds",
            "Statistic": "Maximum",
            "Threshold": 300_000,
            "ComparisonOperator": "GreaterThanThreshold",
        },
    )


def test_warehouse_secret_is_generated(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {
            "GenerateSecretString": Match.object_like(
                {
                    "GenerateStringKey": "password",
                    "PasswordLength": 32,
                    "SecretStringTemplate": Match.serialized_json(
                        {"engine": "redshift", "username": "ticket_platform", "dbname": "dev"}
                    ),
                }
            )
        },
    )


def test_outputs_for_the_batch_platform(template: Template) -> None:
    for name in (
        "BucketName",
        "LandingUri",
        "StagingUri",
        "StreamName",
        "StateMachineArn",
        "TableName",
        "AlertTopicArn",
        "AlertKeyArn",
        "RedshiftCopyRoleArn",
        "WarehouseSecretArn",
        "BatchPlatformPolicyArn",
    ):
        template.has_output(name, {"Value": Match.any_value()})
