"""The offline stand-in for Bedrock: a rule-based, templated responder.

``TemplateResponder`` implements the response generator's ``Responder`` protocol, so the offline
simulator runs the real ``generate_response`` with it. It is honest about what it is: its records
carry ``model_id = "offline-template-responder"`` and ``prompt_version = "template-v1"``, its
priority comes from explicit rules (the reasoning names the rule that fired), and its wording is
drawn from a small library of troubleshooting steps per product family. The same ticket always
gets the same response (choices are seeded by the ticket id).

Priority rules, first match wins (distress = Comprehend's negative + mixed scores):

1. ``critical-impact`` — data loss or a security incident (breach, compromised, unauthorized
   access) is mentioned: HIGH, whatever the tone.
2. ``impact-and-distress`` — production / outage / service down / security, and distress >= 0.60:
   HIGH.
3. ``impact`` — the same words with a calmer tone: MEDIUM.
4. ``distress`` — distress >= 0.60 without impact words: MEDIUM.
5. ``degraded-and-unhappy`` — degradation words (slow, errors, timeouts...) and distress >= 0.30:
   MEDIUM.
6. ``routine`` — anything else: NORMAL.
"""

import hashlib
import random
import re
from dataclasses import dataclass

from lambdas.response_generator.models import GeneratedResponse
from ticket_platform.contracts import Priority, SentimentResult, TicketSubmittedEvent
from ticket_platform.evaluation.text_checks.products import short_product

MODEL_ID = "offline-template-responder"
PROMPT_VERSION = "template-v1"

STRONG_DISTRESS = 0.60
MODERATE_DISTRESS = 0.30

# -- signals in the ticket text ------------------------------------------------------------
_CRITICAL = {
    "data loss": r"\bdata loss\b|\blost (?:our |all |the |some )?data\b"
    r"|\bdata (?:was|were|has been|have been|is|are) (?:lost|deleted|corrupted)\b"
    r"|\bcorrupt(?:ed|ion)\b",
    "security incident": r"\bsecurity (?:incident|breach|vulnerability|exposure)\b"
    r"|\bbreach(?:ed)?\b|\bcompromised\b|\bunauthori[sz]ed access\b|\bleaked\b",
}
_IMPACT = {
    "production": r"\bproduction\b|\bprod\b",
    "outage": r"\boutages?\b|\bdowntime\b",
    "down": r"\b(?:is|are|was|were|went|gone|been|goes|being|completely) down\b|\bdown for\b",
    "security": r"\bsecurity\b(?!\s+groups?\b)",
}
_DEGRADED = {
    "slow": r"\bslow(?:er|ness|ly)?\b|\blatency\b",
    "errors": r"\berrors?\b|\bfail(?:s|ed|ing|ure|ures)?\b",
    "timeouts": r"\btim(?:e|ed|es|ing) ?outs?\b",
    "intermittent": r"\bintermittent(?:ly)?\b|\bdegraded\b",
    "blocked": r"\bblocked\b|\bstuck\b|\bthrottl(?:ed|ing)\b",
}


def _compile(patterns: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {label: re.compile(pattern, re.IGNORECASE) for label, pattern in patterns.items()}


_CRITICAL_RE = _compile(_CRITICAL)
_IMPACT_RE = _compile(_IMPACT)
_DEGRADED_RE = _compile(_DEGRADED)


def _found(patterns: dict[str, re.Pattern[str]], text: str) -> list[str]:
    return [label for label, pattern in patterns.items() if pattern.search(text)]


@dataclass(frozen=True, slots=True)
class PriorityDecision:
    priority: Priority
    rule: str
    reasoning: str


def decide_priority(ticket: TicketSubmittedEvent, sentiment: SentimentResult) -> PriorityDecision:
    """The priority of a ticket by the rules of the module docstring, with the rule that fired."""
    text = f"{ticket.data.subject}\n{ticket.data.description}"
    scores = sentiment.SentimentScore
    distress = round(scores.Negative + scores.Mixed, 2)
    tone = (
        f"the sentiment is {sentiment.Sentiment} with a distress score of {distress:.2f} "
        f"(negative {scores.Negative:.2f} plus mixed {scores.Mixed:.2f})"
    )
    critical, impact = _found(_CRITICAL_RE, text), _found(_IMPACT_RE, text)
    degraded = _found(_DEGRADED_RE, text)
    if critical:
        return PriorityDecision(
            Priority.HIGH,
            "critical-impact",
            f"HIGH by rule critical-impact: the ticket mentions {_words(critical)}, which is "
            f"treated as HIGH whatever the tone; {tone}.",
        )
    if impact and distress >= STRONG_DISTRESS:
        return PriorityDecision(
            Priority.HIGH,
            "impact-and-distress",
            f"HIGH by rule impact-and-distress: the ticket mentions {_words(impact)} and {tone}, "
            f"at least {STRONG_DISTRESS:.2f}.",
        )
    if impact:
        return PriorityDecision(
            Priority.MEDIUM,
            "impact",
            f"MEDIUM by rule impact: the ticket mentions {_words(impact)}, but {tone}, below "
            f"{STRONG_DISTRESS:.2f}.",
        )
    if distress >= STRONG_DISTRESS:
        return PriorityDecision(
            Priority.MEDIUM,
            "distress",
            f"MEDIUM by rule distress: no impact words (production, outage, down, security, data "
            f"loss), but {tone}, at least {STRONG_DISTRESS:.2f}.",
        )
    if degraded and distress >= MODERATE_DISTRESS:
        return PriorityDecision(
            Priority.MEDIUM,
            "degraded-and-unhappy",
            f"MEDIUM by rule degraded-and-unhappy: the ticket mentions {_words(degraded)} and "
            f"{tone}, at least {MODERATE_DISTRESS:.2f}.",
        )
    return PriorityDecision(
        Priority.NORMAL,
        "routine",
        f"NORMAL by rule routine: no impact or urgency words that raise the priority, and {tone}.",
    )


def _words(labels: list[str]) -> str:
    quoted = [f'"{label}"' for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


# -- steps per product family --------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Family:
    name: str
    match: re.Pattern[str]  # on the product name
    steps: tuple[str, ...]  # console, logs, metrics, CLI; "{product}" is the short product name
    asks: str


def _family(name: str, match: str, steps: tuple[str, ...], asks: str) -> Family:
    return Family(name, re.compile(match, re.IGNORECASE), steps, asks)


FAMILIES: tuple[Family, ...] = (
    _family(
        "containers",
        r"\b(?:ECS|EKS|Fargate|ECR|App Runner|Kubernetes|Container)",
        (
            "In the {product} console, open the affected service or cluster and review the Events "
            "tab for deployment, placement and health check messages.",
            "In CloudWatch Logs, open the log group of the container (for example "
            "/ecs/<service-name>) and search for errors in the minutes before the failure.",
            "In CloudWatch Container Insights, compare the CPU and memory utilization of the tasks "
            "or pods with their reserved limits.",
            "Run `aws ecs describe-tasks --cluster <cluster-name> --tasks <task-id>` (or "
            "`kubectl describe pod <pod-name>` on EKS) and note the stopped reason and exit codes.",
        ),
        "the cluster and service names, the task or pod identifiers, and the time of the failure "
        "in UTC",
    ),
    _family(
        "serverless",
        r"\b(?:Lambda|Step Functions|EventBridge)\b",
        (
            "In the {product} console, open the failed invocation or execution and review the error "
            "and cause reported for the failing step.",
            "In CloudWatch Logs Insights, query the log group /aws/lambda/<function-name> with "
            '`filter @type = "REPORT" | stats max(@duration), max(@maxMemoryUsed) by bin(5m)`.',
            "In CloudWatch metrics, review Errors, Throttles and Duration for the period of the "
            "issue and compare them with the configured timeout.",
            "Run `aws lambda get-function-configuration --function-name <function-name>` and "
            "confirm the timeout, memory size and VPC settings.",
        ),
        "the function or state machine name, a request ID or execution ARN of a failed run, and "
        "the time of the failure in UTC",
    ),
    _family(
        "compute",
        r"\b(?:EC2|Auto Scaling|Batch|Lightsail)\b",
        (
            "In the {product} console, open the affected instance and review the Status checks "
            "tab: a failed system check points to the host, a failed instance check to the "
            "operating system.",
            "Run `aws ec2 get-console-output --instance-id <instance-id> --latest` and look for "
            "boot, kernel or disk errors.",
            "In CloudWatch metrics, review CPUUtilization, NetworkIn and StatusCheckFailed of the "
            "affected instances for the hour around the incident.",
            "Run `aws ec2 describe-instance-status --instance-ids <instance-id> "
            "--include-all-instances` and confirm that both status checks report ok.",
        ),
        "the instance or job identifiers, the Region, and the time of the issue in UTC",
    ),
    _family(
        "object storage",
        r"\bS3\b|\bGlacier\b",
        (
            "In the {product} console, open the bucket and review the Permissions tab: the bucket "
            "policy, Block Public Access settings and object ownership.",
            "Run `aws s3api get-bucket-policy --bucket <bucket-name>` and `aws s3api "
            "head-object --bucket <bucket-name> --key <object-key>` with the same credentials as "
            "the failing request.",
            "In CloudTrail Event history, filter on the bucket name and find the denied or failed "
            "requests, with the principal that made them.",
            "In CloudWatch metrics for the bucket, review 4xxErrors and 5xxErrors for the period "
            "of the issue.",
        ),
        "the bucket name, an example object key, the request ID of a failed request, and the "
        "time in UTC",
    ),
    _family(
        "block and file storage",
        r"\b(?:EBS|EFS|FSx|Backup)\b",
        (
            "In the {product} console, open the affected volume, file system or job and review "
            "its state and the most recent events.",
            "In CloudWatch metrics, review VolumeQueueLength and BurstBalance (EBS) or "
            "PercentIOLimit and BurstCreditBalance (EFS) for the period of the issue.",
            "Run `aws ec2 describe-volumes --volume-ids <volume-id>` or `aws efs "
            "describe-mount-targets --file-system-id <file-system-id>` and confirm the state and "
            "the configuration.",
            "In CloudWatch Logs or the system log of the instance, search for I/O or mount errors "
            "around the time of the issue.",
        ),
        "the volume, file system or backup job identifiers, the Region, and the time of the "
        "issue in UTC",
    ),
    _family(
        "databases",
        r"\b(?:RDS|Aurora|DynamoDB|ElastiCache|DocumentDB|Neptune|Database)\b",
        (
            "In the {product} console, open the database and review the Logs and events tab for "
            "failovers, restarts and parameter changes around the time of the issue.",
            "In CloudWatch metrics, review CPUUtilization, DatabaseConnections, FreeableMemory "
            "and ReadLatency (or ThrottledRequests for DynamoDB) for the period of the issue.",
            "In CloudWatch Logs, open the error log of the database (for example "
            "/aws/rds/instance/<instance-name>/error) and search for errors near that time.",
            "Run `aws rds describe-events --source-identifier <db-identifier> --source-type "
            "db-instance --duration 1440` to list the events of the last day.",
        ),
        "the database or table identifier, the Region, the exact error message, and the time of "
        "the issue in UTC",
    ),
    _family(
        "streaming and messaging",
        r"\b(?:Kinesis|SNS|SQS|MQ|MSK|Kafka)\b",
        (
            "In the {product} console, open the stream, topic, queue or broker and review its "
            "monitoring tab for the period of the issue.",
            "In CloudWatch metrics, review WriteProvisionedThroughputExceeded and "
            "GetRecords.IteratorAgeMilliseconds (Kinesis), ApproximateAgeOfOldestMessage (SQS) or "
            "NumberOfNotificationsFailed (SNS).",
            "Run `aws kinesis describe-stream-summary --stream-name <stream-name>` or `aws sqs "
            "get-queue-attributes --queue-url <queue-url> --attribute-names All` and confirm the "
            "configuration.",
            "In CloudWatch Logs, search the logs of the producer and of the consumer for errors "
            "and retries at the time of the issue.",
        ),
        "the stream, topic or queue name, the Region, and the time of the issue in UTC",
    ),
    _family(
        "analytics",
        r"\b(?:Redshift|Athena|EMR|Glue|OpenSearch|QuickSight|AWS Data Pipeline)\b",
        (
            "In the {product} console, open the affected query, job, cluster or dashboard and "
            "review the error message and the run details.",
            "In CloudWatch Logs, open the logs of the job or cluster (for example "
            "/aws-glue/jobs/error) and search for the first error of the failed run.",
            "In CloudWatch metrics, review the resource utilization of the cluster or job "
            "(CPU, memory, disk) for the period of the issue.",
            "Run `aws glue get-job-runs --job-name <job-name>` or `aws athena "
            "get-query-execution --query-execution-id <query-id>` and note the reported state "
            "and reason.",
        ),
        "the job, query or cluster identifier, the Region, and the time of the failed run in UTC",
    ),
    _family(
        "machine learning",
        r"\b(?:SageMaker|Comprehend|Rekognition|Textract|Bedrock|Transcribe|Translate)\b",
        (
            "In the {product} console, open the failed job or endpoint and review its status "
            "and failure reason.",
            "In CloudWatch Logs, open the log group of the job or endpoint (for example "
            "/aws/sagemaker/Endpoints/<endpoint-name>) and search for errors.",
            "In CloudWatch metrics, review Invocations, ModelLatency and the 4xx and 5xx error "
            "counts for the period of the issue.",
            "Run `aws sagemaker describe-endpoint --endpoint-name <endpoint-name>` or the "
            "describe command of the job and note the reported status.",
        ),
        "the job or endpoint name, an example input, the Region, and the time of the issue in UTC",
    ),
    _family(
        "networking",
        r"\b(?:VPC|Direct Connect|Load Balanc|ELB|CloudFront|Route 53|Global Accelerator|NAT)",
        (
            "In the {product} console, review the configuration of the affected resource, "
            "including route tables, security groups, network ACLs and target health.",
            "Use VPC Reachability Analyzer to test the path between the source and the "
            "destination, and note the component that blocks it.",
            "In CloudWatch metrics, review HealthyHostCount, UnHealthyHostCount and "
            "HTTPCode_ELB_5XX_Count (or the metrics of the affected resource) for the period of "
            "the issue.",
            "Enable or query the VPC Flow Logs in CloudWatch Logs Insights with `filter action = "
            '"REJECT"` to find rejected connections.',
        ),
        "the resource identifiers (VPC, subnet, load balancer or distribution), the source and "
        "destination addresses, and the time of the issue in UTC",
    ),
    _family(
        "security and identity",
        r"\b(?:IAM|Cognito|WAF|Shield|KMS|Secrets Manager|Organizations|Identity)\b",
        (
            "In the {product} console, review the policy or configuration that applies to the "
            "denied request, including permission boundaries and service control policies.",
            "In CloudTrail Event history, find the failed request and note its errorCode, the "
            "principal and the resource it targeted.",
            "Run `aws iam simulate-principal-policy --policy-source-arn <principal-arn> "
            "--action-names <action>` to see which statement decides the request.",
            "In CloudWatch metrics, review the error or blocked request counts of the service "
            "for the period of the issue.",
        ),
        "the ARN of the principal, the action and resource of the failed request, the request "
        "ID, and the time in UTC",
    ),
    _family(
        "developer tools",
        r"\b(?:CodePipeline|CodeBuild|CodeDeploy|CodeCommit|CloudFormation|CDK)\b",
        (
            "In the {product} console, open the failed pipeline, build, deployment or stack and "
            "review the events of the failing stage.",
            "In CloudWatch Logs, open the logs of the failed run (for example "
            "/aws/codebuild/<project-name>) and find the first error.",
            "Run `aws cloudformation describe-stack-events --stack-name <stack-name>` and find "
            "the first resource that failed, with its status reason.",
            "In CloudWatch metrics, review the failed build or deployment counts and durations "
            "of the last runs for a trend.",
        ),
        "the pipeline, project or stack name, the identifier of the failed run, and the time in "
        "UTC",
    ),
    _family(
        "management and monitoring",
        r"\b(?:CloudWatch|CloudTrail|Config|Systems Manager|Control Tower)\b",
        (
            "In the {product} console, review the configuration of the affected alarm, rule, "
            "trail or document and its most recent state changes.",
            "In CloudWatch Logs Insights, query the relevant log group for the period of the "
            "issue and confirm that the expected events arrive.",
            "In CloudWatch metrics, confirm that the metric the alarm or rule depends on has "
            "data points for the period of the issue.",
            "Run `aws cloudwatch describe-alarm-history --alarm-name <alarm-name>` or the "
            "describe command of the affected resource and note the reported state.",
        ),
        "the name of the alarm, rule, trail or document, the Region, and the time of the issue "
        "in UTC",
    ),
)
GENERAL = _family(
    "general",
    r"",
    (
        "In the {product} console, open the affected resource and review its status and most "
        "recent events.",
        "In CloudWatch Logs, search the logs of the affected application for errors in the "
        "minutes before the issue started.",
        "In CloudWatch metrics, review the error rate and latency of the affected resource for "
        "the period of the issue.",
        "Run `aws cloudtrail lookup-events --start-time <start> --end-time <end>` to list the "
        "configuration changes made just before the issue.",
    ),
    "the resource identifiers, the Region, the exact error message, and the time of the issue "
    "in UTC",
)


def family_of(product: str) -> Family:
    """The step library of a product (``GENERAL`` when no family matches)."""
    return next((family for family in FAMILIES if family.match.search(product)), GENERAL)


# -- the response -----------------------------------------------------------------------------
_ACKNOWLEDGEMENTS = {
    Priority.HIGH: (
        "We understand the impact this has on your business, and we have given this case high "
        "priority.",
        "We have given this case high priority, as it affects your business.",
    ),
    Priority.MEDIUM: (
        "We understand that this is disrupting your work, and we will help you resolve it quickly.",
        "We understand that this is slowing your team down, and we are here to help.",
    ),
    Priority.NORMAL: (
        "We are glad to help you with this.",
        "We will be happy to help you with this.",
    ),
}
_STEP_INTROS = (
    "Please work through the following steps:",
    "To narrow down the cause, please go through these steps:",
)


def _rng(ticket_id: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(ticket_id.encode()).digest()[:8], "big"))


def compose_response(ticket: TicketSubmittedEvent, priority: Priority) -> str:
    """The customer reply: greeting, acknowledgement, 2-3 numbered steps, what to send back."""
    rng = _rng(ticket.ticketId)
    issue = ticket.data.product_issue_information
    first_name = ticket.data.customer_contact_information.first_name.strip()
    family = family_of(issue.product)
    count = 2 if priority == Priority.NORMAL else 3
    picked = sorted(rng.sample(range(len(family.steps)), count))
    product = short_product(issue.product)
    steps = "\n".join(
        f"{number}. {family.steps[index].format(product=product)}"
        for number, index in enumerate(picked, start=1)
    )
    greeting = f"Hello {first_name}," if first_name else "Hello,"
    return (
        f"{greeting}\n\n"
        f"Thank you for contacting AWS Support about {issue.issue_type} on {issue.product}, "
        f"recorded as ticket {ticket.ticketId}. {rng.choice(_ACKNOWLEDGEMENTS[priority])}\n\n"
        f"{rng.choice(_STEP_INTROS)}\n{steps}\n\n"
        f"If the issue continues, please reply with {family.asks}, together with any error "
        f"message exactly as shown.\n\n"
        f"Best regards,\nAWS Support"
    )


class TemplateResponder:
    """``Responder`` without a model: rule-based priority, templated reply (see module doc)."""

    model_id = MODEL_ID
    prompt_version = PROMPT_VERSION

    def respond(
        self, ticket: TicketSubmittedEvent, sentiment: SentimentResult
    ) -> GeneratedResponse:
        """The deterministic response of ``ticket``."""
        decision = decide_priority(ticket, sentiment)
        return GeneratedResponse(
            response_text=compose_response(ticket, decision.priority),
            priority=decision.priority,
            priority_reasoning=decision.reasoning,
            model_id=self.model_id,
            prompt_version=self.prompt_version,
        )
