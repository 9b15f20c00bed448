"""The synthetic ticket generator: contract shape, determinism, ids, time, text and label mix.

Speed is not tested here (that belongs to benchmarks); these tests only check behaviour.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import orjson
import pytest

from ticket_platform.contracts import ProcessedTicket
from ticket_platform_demo.synthetic import (
    PRODUCTS,
    SENTIMENT_MIX,
    generate_tickets,
    ticket_index,
    ticket_suffix,
)
from ticket_platform_demo.synthetic import slots as T
from ticket_platform_demo.synthetic.ids import MAX_INDEX
from ticket_platform_demo.synthetic.labels import sentiment_scores

START, END = date(2025, 8, 1), date(2025, 8, 31)
SENTIMENTS = ("MIXED", "NEGATIVE", "NEUTRAL", "POSITIVE")

# The seed system's catalog, verbatim.
SEED_CATALOG = """
Amazon EC2: Instance Connectivity / Auto Scaling Configuration / Reserved Instance Billing; Amazon ECS: Container Deployment Failure / Task Definition Errors; Amazon EKS: Kubernetes Version Upgrade / Node Group Scaling; AWS Lambda: Function Timeout / Cold Start Latency / Memory Allocation; AWS Fargate: Task Resource Constraints; Amazon S3: Access Permissions / Bucket Policy Configuration / Cross-Region Replication; Amazon EBS: Volume Performance / Snapshot Creation Failure; Amazon EFS: Mount Target Connectivity; AWS Backup: Backup Job Failure; Amazon RDS: Database Connection / Performance Insights / Backup Restoration; Amazon Aurora: Cluster Failover / Reader Endpoint Latency; Amazon DynamoDB: Provisioned Throughput / Global Table Replication; Amazon Redshift: Query Performance / Connection Issue / Cluster Resize; Amazon ElastiCache: Cache Hit Rate; Amazon DocumentDB: Compatibility Issues; Amazon Athena: Query Timeout; Amazon EMR: Cluster Termination; Amazon Kinesis: Shard Management / Data Stream Throttling; AWS Glue: ETL Job Failure / Crawler Configuration; Amazon OpenSearch Service: Cluster Stability; Amazon QuickSight: Dashboard Rendering; AWS Data Pipeline: Pipeline Activation; Amazon SageMaker: Model Deployment / Training Job Resources; Amazon Comprehend: Entity Recognition Accuracy; Amazon Rekognition: Image Analysis Results; Amazon Textract: Document Processing Errors; Amazon VPC: Subnet Configuration / NAT Gateway Failure; AWS Direct Connect: Connection Stability; Elastic Load Balancing: Health Check Configuration; Amazon CloudFront: Cache Behavior; Amazon Route 53: DNS Resolution; AWS Global Accelerator: Endpoint Routing; AWS IAM: Permission Boundaries / Role Assumption; Amazon Cognito: User Pool Authentication; AWS WAF: Rule Evaluation; AWS Shield: DDoS Protection Configuration; AWS KMS: Key Rotation; AWS Secrets Manager: Secret Retrieval; AWS CodePipeline: Pipeline Execution; AWS CodeBuild: Build Environment; AWS CodeDeploy: Deployment Configuration; AWS CloudFormation: Stack Creation Failure / Resource Rollback; AWS CloudWatch: Alarm Configuration / Log Insights Query; AWS CloudTrail: Event Logging; AWS Config: Compliance Rules; AWS Systems Manager: Patch Management; AWS Organizations: Service Control Policies; Amazon SNS: Topic Delivery; Amazon SQS: Message Visibility; Amazon EventBridge: Event Pattern Matching; AWS Step Functions: State Machine Execution; Amazon MQ: Broker Connectivity; AWS App Runner: Service Deployment; AWS Batch: Job Queue Priority; Amazon ECR: Image Scanning; Cloud Analytics Dashboard: Performance Issue / Data Visualization Error; Data Pipeline Service: Integration Error / Configuration Problem
"""
CONTRACTION = re.compile(r"\b\w+'(?:s|re|ve|ll|d|t|m)\b", re.IGNORECASE)


def _mentions(product_name: str) -> re.Pattern[str]:
    product = next(p for p in PRODUCTS if p.name == product_name)
    names = "|".join(re.escape(n) for n in (product.name, product.short))
    return re.compile(rf"(?<![\w-])(?:{names})(?![\w-])")


MENTIONS = {p.name: _mentions(p.name) for p in PRODUCTS}


@pytest.fixture(scope="module")
def tickets() -> list[dict]:
    return list(generate_tickets(4000, seed=20250808, start=START, end=END))


# ---------------------------------------------------------------------------------- catalog
def test_catalog_is_exactly_the_seed_systems():
    expected = {}
    for entry in SEED_CATALOG.strip().split("; "):
        product, issues = entry.split(": ")
        expected[product] = [i.strip() for i in issues.split(" / ")]
    actual = {p.name: [i.name for i in p.issues] for p in PRODUCTS}
    assert actual == expected
    assert len(actual) == 57
    assert sum(len(v) for v in actual.values()) == 81
    assert len({i for v in actual.values() for i in v}) == 81  # issue type names are unique


def test_catalog_strings_use_known_slots_and_replies_are_formal():
    for product in PRODUCTS:
        assert (
            product.short
            and product.named
            and product.nouns
            and product.vocab
            and product.resources
        )
        for template in (*product.resources, *product.named, *product.nouns, *product.vocab):
            T.compile_skeleton(template)  # raises on unknown slots
        for issue in product.issues:
            for field in (
                "topics",
                "symptoms",
                "errors",
                "metrics",
                "tried",
                "questions",
                "steps",
                "asks",
            ):
                values = getattr(issue, field)
                assert values, (product.name, issue.name, field)
                for template in values:
                    T.compile_skeleton(template)
            assert len(issue.steps) >= 3 and len(issue.asks) >= 3, issue.name
            for line in (*issue.steps, *issue.asks):
                assert "'" not in line and "!" not in line, line
            # Generic references must not name the product (they are how the name is avoided).
            for noun in product.nouns:
                assert not MENTIONS[product.name].search(noun), (product.name, noun)


# ---------------------------------------------------------------------------------- contract
def test_every_record_validates_as_a_processed_ticket(tickets):
    for record in tickets:
        ticket = ProcessedTicket.model_validate(record)
        assert ticket.schema_version == 2
        assert ticket.record_source == "synthetic"
        assert ticket.target_sentiment is not None
        assert ticket.company
        assert record["customer_email"].endswith("@" + record["customer_email"].split("@")[1])
    assert list(tickets[0]) == list(ProcessedTicket.model_fields)  # contract column order


def test_records_are_json_ready(tickets):
    for record in tickets[:200]:
        assert orjson.loads(orjson.dumps(record)) == record
        assert record["submitted_at"].endswith("Z") and record["processed_at"].endswith("Z")


def test_zero_count_and_bad_arguments():
    assert list(generate_tickets(0, seed=1, start=START, end=END)) == []
    with pytest.raises(ValueError):
        generate_tickets(-1, seed=1, start=START, end=END)
    with pytest.raises(ValueError):
        generate_tickets(10, seed=1, start=END, end=START)
    with pytest.raises(ValueError):
        generate_tickets(10, seed=1, start=START, end=END, id_offset=MAX_INDEX)
    with pytest.raises(ValueError):
        generate_tickets(10, seed=1, start=START, end=END, informal_response_rate=1.5)


# ---------------------------------------------------------------------------------- determinism
def _dump(count: int, seed: int, **kwargs) -> bytes:
    return b"\n".join(
        orjson.dumps(r) for r in generate_tickets(count, seed=seed, start=START, end=END, **kwargs)
    )


def test_same_arguments_give_identical_bytes():
    assert _dump(700, 42) == _dump(700, 42)
    assert _dump(300, 42, id_offset=5_000) == _dump(300, 42, id_offset=5_000)


def test_different_seed_or_offset_gives_different_tickets():
    a, b = _dump(300, 42), _dump(300, 43)
    assert a != b
    first = list(generate_tickets(300, seed=42, start=START, end=END))
    second = list(generate_tickets(300, seed=43, start=START, end=END))
    assert (
        sum(x["description"] == y["description"] for x, y in zip(first, second, strict=True)) < 10
    )
    shifted = list(generate_tickets(300, seed=42, start=START, end=END, id_offset=300))
    assert (
        sum(x["description"] == y["description"] for x, y in zip(first, shifted, strict=True)) < 10
    )


# ---------------------------------------------------------------------------------- ids
def test_ids_are_well_formed_unique_and_dated(tickets):
    pattern = re.compile(r"^TKT-(\d{8})-[0-9A-HJKMNP-TV-Z]{8}$")
    for record in tickets:
        match = pattern.match(record["ticket_id"])
        assert match, record["ticket_id"]
        assert match.group(1) == record["submitted_at"][:10].replace("-", "")
    assert len({r["ticket_id"] for r in tickets}) == len(tickets)


def test_id_suffix_is_a_bijection():
    # Every step of the scramble (add a key, multiply by an odd constant, xor-shift right) is
    # invertible mod 2**40, so distinct indexes can never share a suffix. Check the inverse on a
    # sample spread over a million indexes and over the whole 40-bit space, for several seeds.
    rng = random.Random(7)
    for seed in (0, 1, -5, 2**70 + 3):
        sample = [
            *range(0, 1_000_000, 997),
            *(rng.randrange(MAX_INDEX + 1) for _ in range(2_000)),
            0,
            MAX_INDEX,
        ]
        for index in sample:
            assert ticket_index(ticket_suffix(index, seed), seed) == index
    # ... and, cheaply, no collision among 100,000 consecutive indexes.
    suffixes = {ticket_suffix(i, 123) for i in range(900_000, 1_000_000)}
    assert len(suffixes) == 100_000
    with pytest.raises(ValueError):
        ticket_suffix(MAX_INDEX + 1, 0)


def test_runs_with_disjoint_offsets_share_no_ids():
    a = {r["ticket_id"][-8:] for r in generate_tickets(500, seed=9, start=START, end=END)}
    b = {
        r["ticket_id"][-8:]
        for r in generate_tickets(500, seed=9, start=START, end=END, id_offset=500)
    }
    assert a.isdisjoint(b)
    assert {ticket_index(s, 9) for s in b} == set(range(500, 1000))


# ---------------------------------------------------------------------------------- time
def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_timestamps_are_in_range_ordered_and_processed_shortly_after(tickets):
    low = datetime(START.year, START.month, START.day, tzinfo=UTC)
    high = datetime(END.year, END.month, END.day, tzinfo=UTC) + timedelta(days=1)
    submitted = [_ts(r["submitted_at"]) for r in tickets]
    assert all(low <= s < high for s in submitted)
    assert submitted == sorted(submitted)
    assert submitted[0] - low < timedelta(days=1) and high - submitted[-1] < timedelta(days=1)
    latencies = [
        (_ts(r["processed_at"]) - s).total_seconds()
        for r, s in zip(tickets, submitted, strict=True)
    ]
    assert all(3.0 <= x <= 1_200.0 for x in latencies)
    assert sum(x <= 15.0 for x in latencies) / len(latencies) > 0.9


def test_business_hours_and_weekdays_are_busier(tickets):
    submitted = [_ts(r["submitted_at"]) for r in tickets]
    by_hour = Counter(s.hour for s in submitted)
    assert sum(by_hour[h] for h in range(12, 18)) > 2.5 * sum(by_hour[h] for h in range(0, 6))
    # Tickets per day; August 2025 has 21 weekdays and 10 weekend days.
    weekday = sum(s.weekday() < 5 for s in submitted) / 21
    weekend = sum(s.weekday() >= 5 for s in submitted) / 10
    assert weekday > 2 * weekend


def test_single_day_range():
    day = date(2025, 2, 28)
    records = list(generate_tickets(300, seed=3, start=day, end=day))
    assert {r["submitted_at"][:10] for r in records} == {"2025-02-28"}


# ---------------------------------------------------------------------------------- mix
def test_all_products_appear(tickets):
    counts = Counter(r["product"] for r in tickets)
    assert set(counts) == {p.name for p in PRODUCTS}
    issues = Counter(r["issue_type"] for r in tickets)
    assert len(issues) == 81
    by_product = {p.name: {i.name for i in p.issues} for p in PRODUCTS}
    assert all(r["issue_type"] in by_product[r["product"]] for r in tickets)


def test_target_sentiment_mix(tickets):
    counts = Counter(r["target_sentiment"] for r in tickets)
    for sentiment, share in SENTIMENT_MIX:
        assert abs(counts[sentiment] / len(tickets) - share) < 0.04, (sentiment, counts)
    assert 0.30 <= counts["NEGATIVE"] / len(tickets) <= 0.42


def test_sentiment_scores_are_a_distribution_and_label_is_the_argmax(tickets):
    mismatches = 0
    for record in tickets:
        scores = {s: record[f"sentiment_score_{s.lower()}"] for s in SENTIMENTS}
        assert abs(sum(scores.values()) - 1.0) < 1e-6
        assert all(0.0 <= v <= 1.0 for v in scores.values())
        assert scores[record["sentiment"]] == max(scores.values())
        mismatches += record["sentiment"] != record["target_sentiment"]
    # Mostly the target, occasionally not (a noisy classifier), never absurdly often.
    assert 0.01 < mismatches / len(tickets) < 0.15
    labels = Counter(r["sentiment"] for r in tickets)
    assert set(labels) == set(SENTIMENTS)


def test_priority_follows_the_rules(tickets):
    for record in tickets:
        target, priority = record["target_sentiment"], record["priority"]
        if target == "POSITIVE":
            assert priority == "NORMAL"
        if target == "MIXED":
            assert priority == "MEDIUM"
        if priority == "HIGH":
            assert target in ("NEGATIVE", "NEUTRAL")
        reasoning = record["priority_reasoning"].lower()
        assert (
            "synthetic" in reasoning
            and "rule" in reasoning
            and priority in record["priority_reasoning"]
        )
    high_negative = sum(
        r["priority"] == "HIGH" for r in tickets if r["target_sentiment"] == "NEGATIVE"
    )
    negative = sum(r["target_sentiment"] == "NEGATIVE" for r in tickets)
    assert 0.6 < high_negative / negative < 0.9


# ---------------------------------------------------------------------------------- text
def test_product_name_does_not_give_the_label_away(tickets):
    in_description = sum(bool(MENTIONS[r["product"]].search(r["description"])) for r in tickets)
    assert 0.05 < in_description / len(tickets) < 0.5
    in_either = sum(
        bool(MENTIONS[r["product"]].search(f"{r['subject']}\n{r['description']}")) for r in tickets
    )
    assert in_either / len(tickets) < 0.6
    # Not a fixed phrase either: no single sentence opening dominates.
    openings = Counter(r["description"].split(".")[0][:40] for r in tickets)
    assert openings.most_common(1)[0][1] / len(tickets) < 0.05


def test_descriptions_vary(tickets):
    assert len({r["description"] for r in tickets}) / len(tickets) > 0.97
    lengths = sorted(len(r["description"]) for r in tickets)
    assert 80 < lengths[len(lengths) // 2] < 900
    assert all(len(r["subject"]) <= 512 for r in tickets)


def test_tone_follows_target(tickets):
    negative = [r for r in tickets if r["target_sentiment"] == "NEGATIVE"]
    shouting = sum(
        bool(re.search(r"\b[A-Z]{4,}\b", r["subject"] + r["description"])) for r in negative
    )
    assert shouting / len(negative) > 0.2
    positive = [r for r in tickets if r["target_sentiment"] == "POSITIVE"]
    praise = r"thank|great|happy|lov|delighted|thrilled|excellent|fan|smooth|solid|good work|impress|fantastic|amazing"
    grateful = sum(bool(re.search(praise, r["description"], re.I)) for r in positive)
    assert grateful / len(positive) > 0.95
    mixed = [r for r in tickets if r["target_sentiment"] == "MIXED"]
    assert all("?" in r["description"] or "." in r["description"] for r in mixed)


def test_response_addresses_the_customer_and_quotes_the_ticket(tickets):
    for record in tickets:
        response = record["response_text"]
        assert record["customer_full_name"] in response.split("\n", 1)[0]
        assert response.rstrip().endswith(f"Ticket {record['ticket_id']}")
        assert re.search(r"^1\. .+\n2\. ", response, re.MULTILINE)
        assert (
            "{" not in response
            and "{" not in record["description"]
            and "{" not in record["subject"]
        )


def test_informal_reply_share_is_configurable():
    def informal_share(rate: float) -> float:
        records = list(
            generate_tickets(600, seed=5, start=START, end=END, informal_response_rate=rate)
        )
        return (
            sum(
                bool(CONTRACTION.search(r["response_text"]) or "!" in r["response_text"])
                for r in records
            )
            / 600
        )

    assert informal_share(0.0) == 0.0
    assert informal_share(1.0) == 1.0
    assert 0.05 < informal_share(0.12) < 0.22


def test_customers_repeat_and_emails_use_the_company_domain(tickets):
    counts = Counter(r["customer_email"] for r in tickets)
    assert counts.most_common(1)[0][1] > 1  # some customers open several tickets
    assert len(counts) > len(tickets) / 4
    for record in tickets:
        local, _domain = record["customer_email"].split("@")
        assert local and re.fullmatch(r"[a-z0-9._]+", local)
        assert (
            record["customer_full_name"]
            == f"{record['customer_first_name']} {record['customer_last_name']}"
        )
    assert len({r["company"] for r in tickets}) > 60


# ---------------------------------------------------------------------------------- text helpers
def test_compiled_skeletons_render_like_format_map():
    rng = random.Random(1)
    product = PRODUCTS[0]
    preset = {"thing": "the instance", "first": "Ann", "full": "Ann Lee", "company": "Acme", "domain": "acme.io",
              "ticket_id": "TKT-1", "res_note": ""}  # fmt: skip
    for template in ("Since {when}, {res} in {region}.", "plain", "{{literal}} {app}", "{res}"):
        compiled = T.compile_skeleton(template)
        slots = T.make_slots(rng, product, dict(preset))
        rendered = T.render(compiled, slots)
        assert rendered == template.format_map(slots)
    with pytest.raises(KeyError):
        T.compile_skeleton("{not_a_slot}")


def test_sentiment_scores_helper():
    rng = random.Random(3)
    for target in SENTIMENTS:
        results = [sentiment_scores(rng, target) for _ in range(2_000)]
        assert sum(label == target for label, *_ in results) / len(results) > 0.85
        for label, *scores in results:
            assert abs(sum(scores) - 1.0) < 1e-9
            assert scores[SENTIMENTS.index(label)] == max(scores)
