"""contextual_relevance: the reply must engage with the customer's specific problem, not only
name the product and echo the issue type (support-rubric-v1: "not a generic or different
problem")."""

from ticket_platform.evaluation import text_checks as tc
from ticket_platform.evaluation.rubric import EvaluationItem
from ticket_platform.evaluation.rules import assess_relevance

REPLICATION = {
    "issue_type": "Global Table Replication",
    "subject": "Global Table Replication in DynamoDB in us-west-2",
    "description": (
        "Items written in us-west-2 take minutes to appear in the other replica. This started "
        "this morning. The GSI looks correct to us. Please advise.\n\nThanks,\nPierre"
    ),
    "product": "Amazon DynamoDB",
}

GENERIC = """Hello Pierre,

Thank you for contacting AWS Support about Global Table Replication on Amazon DynamoDB. We are \
glad to help you with this.

Please work through the following steps:
1. In CloudWatch metrics, review CPUUtilization and ReadLatency for the period of the issue.
2. Run `aws rds describe-events --source-type db-instance` to list the events of the last day.

If the issue continues, please reply with the table identifier and the Region.

Best regards,
AWS Support"""

SPECIFIC = """Hello Pierre,

Thank you for contacting AWS Support. Items that take minutes to reach the other replica point \
to replication delay on the DynamoDB global table.

1. In CloudWatch, graph ReplicationLatency of the table for the us-west-2 replica.
2. Check whether the replica table in the other Region is throttling writes.

Best regards,
AWS Support"""


def _item(response: str, **ticket: str) -> EvaluationItem:
    return EvaluationItem(ticket_id="TKT-1", response_text=response, **ticket)


def test_a_generic_checklist_that_echoes_the_issue_type_is_not_relevant():
    assessment = assess_relevance(_item(GENERIC, **REPLICATION))
    assert not assessment.passed
    assert assessment.facts == ()  # the product is named
    assert assessment.concerns == ("problem not addressed",)
    assert "Restates the issue type 'Global Table Replication'" in assessment.reasoning
    assert "The specific problem is not addressed" in assessment.reasoning


def test_advice_that_uses_the_customers_terms_is_relevant():
    match = tc.problem_match(SPECIFIC, **REPLICATION)
    assert match.addressed
    assert {"replication", "minutes", "table"} <= set(match.engaged)  # "replica" ~ "replication"
    assessment = assess_relevance(_item(SPECIFIC, **REPLICATION))
    assert assessment.passed
    assert "The advice uses the customer's terms: " in assessment.reasoning


def test_the_echo_of_the_issue_type_is_not_advice():
    echo = "Thank you for contacting us about Global Table Replication on Amazon DynamoDB."
    match = tc.problem_match(echo, **REPLICATION)
    assert match.restates_issue_type and match.engaged == ()
    assert not match.addressed
    rest = tc.problem_match(echo + " Compare the replica in each Region.", **REPLICATION)
    assert rest.engaged == ("replication",)  # "replica": the rest of the reply still counts


def test_names_and_support_chatter_are_not_the_customers_terms():
    chatter = (
        "Hello Pierre,\n\nPierre, we reviewed the ticket this morning with the team and will "
        "check the status of the affected resource in the console.\n\nRegards,\nAWS Support"
    )
    match = tc.problem_match(chatter, **REPLICATION)
    assert "pierre" not in match.problem_words  # the ticket's signature is left out
    assert match.engaged == () and not match.addressed


QUESTION = {
    "issue_type": "Subnet Configuration",
    "subject": "A question about subnet configuration",
    "description": "We do have a minor query: should we use IPv6 for new subnets? No impact.",
    "product": "Amazon VPC",
}


def test_a_specific_question_must_be_answered():
    troubleshooting = (
        "Thank you for your question about Amazon VPC subnet configuration. Check the network "
        "ACL rules of the subnet for inbound traffic and enable flow logs on the subnet."
    )
    match = tc.problem_match(troubleshooting, **QUESTION)
    assert match.question_words == ("ipv6",) and not match.addressed
    assessment = assess_relevance(_item(troubleshooting, **QUESTION))
    assert "The customer asks about ipv6; the reply uses none" in assessment.reasoning
    assert "The question asked is not answered." in assessment.reasoning
    answer = (
        "For Amazon VPC, use IPv6 on new subnets when clients need it: associate an IPv6 CIDR "
        "block with the VPC, then assign a /64 to each new subnet."
    )
    assert tc.problem_match(answer, **QUESTION).addressed


def test_questions_any_ticket_asks_are_not_specific_questions():
    description = "Items take minutes to appear in the other replica. How long will this take?"
    vague = {**REPLICATION, "description": description}
    assert tc.problem_match(SPECIFIC, **vague).question_words == ()
    assert tc.problem_match(SPECIFIC, **vague).addressed


def test_half_the_key_words_of_a_longer_question_are_enough():
    ticket = {
        "issue_type": "Topic Delivery",
        "subject": "Small query: topic delivery",
        "description": "How should we handle retries for slow HTTP endpoints?",
        "product": "Amazon SNS",
    }
    partial = "For Amazon SNS, confirm that the subscription endpoints respond in time."
    assert not tc.problem_match(partial, **ticket).addressed  # 1 of handle/retries/slow/http/...
    answer = "Set a delivery retry policy for HTTP endpoints in Amazon SNS, with backoff."
    assert tc.problem_match(answer, **ticket).addressed


def test_a_ticket_with_too_few_terms_falls_back_to_the_restated_issue_type():
    match = tc.problem_match(
        "We are looking into the function timeout now.",
        issue_type="Function Timeout",
        subject="Timeout",
        product="AWS Lambda",
    )
    assert len(match.problem_words) < tc.problem.MIN_ENGAGED
    assert match.addressed
