"""The fact base's checks: each kind of wrong detail is found and named, and unknown is not wrong."""

import gzip
import json

import pytest

from ticket_platform.evaluation.facts import DetailKind, check_reply
from ticket_platform.evaluation.facts.base import DATA, fact_base


def kinds(findings):
    return [(f.kind, f.detail) for f in findings]


def test_cli_command_that_does_not_exist_is_named_with_the_closest_real_one():
    found = check_reply(
        "Please run `aws lambda get-function-config --function-name my-fn` to see the timeout.",
        "AWS Lambda",
    )
    assert [f.kind for f in found] == [DetailKind.cli_command]
    assert "get-function-config" in found[0].detail
    assert "closest is get-function-configuration" in found[0].fact
    assert "awscli" in found[0].source


def test_a_real_command_with_real_options_passes():
    text = (
        "Run `aws lambda get-function-configuration --function-name my-fn --region us-east-1` "
        "and `aws logs tail /aws/lambda/my-fn --follow`, then `aws s3 cp file s3://b/k`."
    )
    assert check_reply(text, "AWS Lambda") == []


def test_an_option_the_command_does_not_take_is_a_wrong_parameter():
    found = check_reply("Run `aws s3api put-bucket-versioning --bucket b --enable`.", "Amazon S3")
    assert kinds(found) == [(DetailKind.cli_parameter, "--enable")]
    assert "put-bucket-versioning takes no --enable option" in found[0].fact


def test_a_service_the_cli_does_not_have_is_wrong_in_code_only():
    assert kinds(check_reply("`aws cloudwatch-logs describe-log-groups`", "AWS CloudWatch")) == [
        (DetailKind.cli_command, "aws cloudwatch-logs describe-log-groups")
    ]
    # Prose that starts with "aws" is not a command.
    assert check_reply("Please use the aws console to review it.", "AWS Lambda") == []


def test_a_command_alone_on_an_indented_line_is_checked():
    text = "Steps:\n1. List the partitions:\n   aws dynamodb describe-partitions --table-name t\n"
    found = check_reply(text, "Amazon DynamoDB")
    assert [f.kind for f in found] == [DetailKind.cli_command]
    assert "aws dynamodb has no command 'describe-partitions'" in found[0].fact


def test_a_command_of_another_service_is_named_with_its_service():
    found = check_reply("Run `aws lambda describe-instances` to list them.", "AWS Lambda")
    assert [f.kind for f in found] == [DetailKind.cli_command]
    assert "describe-instances is a command of aws ec2" in found[0].fact


def test_commands_of_services_the_ticket_may_not_involve_are_not_proven_wrong():
    """The customer may run that service too: a command that exists is never wrong by itself."""
    text = "Run `aws ec2 describe-volumes --volume-ids vol-1` to check the volume."
    assert check_reply(text, "Amazon EFS", "My EFS mount is slow") == []


def test_a_misspelt_namespace_is_named_with_the_real_one():
    found = check_reply("Graph ExecutionsFailed in the AWS/StepFunctions namespace.", "AWS Lambda")
    assert kinds(found) == [(DetailKind.namespace, "AWS/StepFunctions")]
    assert "AWS/States" in found[0].fact
    # Spelled after the service's CLI name: configservice, dynamodbstreams.
    found = check_reply("Chart it in the AWS/ConfigService namespace.", "AWS Config")
    assert "publishes its metrics in AWS/Config" in found[0].fact


def test_another_services_metric_is_wrong_unless_attributed_or_involved():
    text = "In CloudWatch, review the ModelLatency metric of your endpoint."
    found = check_reply(text, "Amazon Textract")
    assert kinds(found) == [(DetailKind.metric, "ModelLatency")]
    assert "AWS/SageMaker" in found[0].fact
    assert check_reply(text, "Amazon SageMaker") == []
    assert (
        check_reply("Review ModelLatency (a SageMaker metric) if you call one.", "Amazon Textract")
        == []
    )
    assert check_reply("Review the Errors and Throttles metrics.", "AWS Lambda") == []


def test_a_metric_outside_the_namespace_it_is_given_is_wrong():
    found = check_reply("Watch IteratorAge in AWS/SQS.", "Amazon SQS")
    assert kinds(found) == [(DetailKind.metric, "IteratorAge")]
    text = "Compare ConcurrentExecutions in AWS/Lambda with the RDS DatabaseConnections."
    assert check_reply(text, "AWS Lambda") == []


def test_log_groups_a_service_never_writes_are_wrong():
    found = check_reply(
        "Open the log group /aws/dynamodb/orders for the errors.", "Amazon DynamoDB"
    )
    assert kinds(found) == [(DetailKind.log_group, "/aws/dynamodb/orders")]
    assert "writes no log group" in found[0].fact
    found = check_reply("Search /aws/codebuild/<project-name> for failures.", "AWS CodeDeploy")
    assert kinds(found) == [(DetailKind.log_group, "/aws/codebuild/x")]
    assert check_reply("Search /aws/lambda/<function-name> for errors.", "AWS Lambda") == []
    found = check_reply("Search /aws/lambda/errors/my-fn for errors.", "AWS Lambda")
    assert "writes log groups named /aws/lambda/{name}" in found[0].fact


def test_a_page_of_another_services_console_is_wrong():
    text = "In the EKS console, go to Clusters > my-cluster > Compute > Auto Scaling Groups."
    found = check_reply(text, "Amazon EKS")
    assert kinds(found) == [(DetailKind.console_page, "Auto Scaling Groups")]
    assert "page of the Amazon EC2 console" in found[0].fact
    assert check_reply("In the EC2 console, open 'Auto Scaling Groups'.", "Amazon EKS") == []
    text = "In the Global Accelerator console add the ALB; its Target Groups page (EC2) shows it."
    assert check_reply(text, "AWS Global Accelerator") == []
    # Generic tabs shared by many consoles are not checked.
    assert check_reply("In the ECR console, open the Monitoring tab.", "Amazon ECR") == []


def test_a_feature_of_another_product_is_wrong_unless_its_owner_is_named():
    found = check_reply(
        "Enable Global Tables on the database for cross-Region reads.", "Amazon RDS"
    )
    assert kinds(found) == [(DetailKind.feature_owner, "Global Tables")]
    assert "feature of Amazon DynamoDB" in found[0].fact
    assert check_reply("Move the table to DynamoDB and enable Global Tables.", "Amazon RDS") == []


def test_a_namespace_aws_does_not_document_is_wrong():
    found = check_reply("Open the AWS/Redis namespace and graph CacheHits.", "Amazon ElastiCache")
    assert kinds(found) == [(DetailKind.namespace, "AWS/Redis")]
    assert "not a CloudWatch namespace AWS documents" in found[0].fact
    assert "Amazon ElastiCache publishes its metrics in AWS/ElastiCache" in found[0].fact
    # documented namespaces of services the fact base does not describe, and sub-namespaces
    for text in ("Graph AWS/NetworkFirewall and AWS/S3/Storage-Lens.", "See AWS/XRay."):
        assert check_reply(text, "Amazon VPC") == []


def test_a_misremembered_metric_is_wrong_and_named_with_the_real_one():
    found = check_reply("Review the `StatusCheckFailed_Network` metric.", "Amazon EC2")
    assert kinds(found) == [(DetailKind.metric, "StatusCheckFailed_Network")]
    assert "no metric named StatusCheckFailed_Network in" in found[0].fact
    assert "AWS/EC2 has StatusCheckFailed" in found[0].fact
    found = check_reply("Watch the CacheHitRatio metric in AWS/ElastiCache.", "Amazon ElastiCache")
    assert "AWS/ElastiCache has CacheHitRate" in found[0].fact


def test_an_unlisted_metric_close_to_no_listed_one_or_a_custom_one_is_not_wrong():
    # the list may lack a real metric: only a near miss of a listed one is proven wrong
    assert check_reply("Graph the MatchedEvents metric for the rule.", "Amazon EventBridge") == []
    for text in (
        "Publish a custom CacheHitRatio metric from your application.",
        "Set a target value for the SageMakerVariantInvocationsPerInstance metric.",
    ):
        assert check_reply(text, "Amazon ElastiCache") == []


def test_unknown_products_and_unknown_details_are_not_wrong():
    text = "Open the Insights Studio page in the console and check the FooBarLatency metric."
    assert check_reply(text, "Cloud Analytics Dashboard") == []
    assert check_reply(text, "AWS Lambda") == []


def test_fact_base_files_record_their_sources():
    manifest = json.loads((DATA / "MANIFEST.json").read_text())
    tree = json.loads(gzip.decompress((DATA / "aws_cli.json.gz").read_bytes()))
    assert manifest["aws_cli.json.gz"]["awscli"] == tree["awscli"]
    assert manifest["aws_cli.json.gz"]["commands"] == sum(len(c) for c in tree["services"].values())
    facts = fact_base()
    assert facts.version.startswith(f"awscli {tree['awscli']}")
    for service in facts.services.values():
        assert service.sources, service.key
        assert service.related <= facts.services.keys()


@pytest.mark.parametrize("cli_service", ["lambda", "s3api", "ec2", "logs", "dynamodb"])
def test_the_cli_tree_agrees_with_the_installed_botocore(cli_service):
    """Every command of the tree is an operation of the installed botocore (or a CLI command of
    its own), so the tree is the real CLI, not a list written by hand."""
    from ticket_platform.evaluation.facts.checks import _installed_commands

    commands = set(fact_base().cli_services[cli_service])
    installed = _installed_commands(cli_service)
    assert len(installed) > 20
    own = commands - installed  # the CLI's customizations: wait, get-login-password...
    assert len(own) <= 12, sorted(own)


def test_the_compiled_documentation_file_is_valid_and_its_check_catches_mistakes(tmp_path):
    from ticket_platform.evaluation.facts.build.__main__ import validate_docs

    assert validate_docs(DATA / "aws_docs.yaml") == []
    broken = tmp_path / "aws_docs.yaml"
    broken.write_text(
        "services:\n  lambda:\n    names: [AWS Lambda]\n    related: [nosuch]\n    colour: red\n"
        "    namespaces: [AWS/Lambda]\nother_namespaces: [AWS/Lambda, '']\n"
    )
    problems = validate_docs(broken)
    assert "lambda: no sources" in problems
    assert "other_namespaces: AWS/Lambda is a service's namespace already" in problems
    assert "other_namespaces: '' is not a namespace" in problems
    assert "lambda: related service 'nosuch' is not in the file" in problems
    assert "lambda: unknown keys ['colour']" in problems


def test_a_component_services_evidence_belongs_to_the_product():
    """Secrets Manager rotates secrets with a Lambda function: its log group is evidence."""
    text = "Search the rotation function's log group /aws/lambda/<rotation-fn> for the error."
    assert check_reply(text, "AWS Secrets Manager") == []
    assert check_reply(text, "Amazon DynamoDB") != []
