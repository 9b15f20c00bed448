"""The offline TemplateResponder: deterministic, rule-based priority, professional replies."""

import re
from datetime import date
from typing import Any

import pytest

from lambdas.response_generator.generator import generate_response
from ticket_platform.contracts import SentimentResult, TicketSubmittedEvent
from ticket_platform.contracts.style import style_problems
from ticket_platform_demo.simulator.responder import (
    MODEL_ID,
    PROMPT_VERSION,
    TemplateResponder,
    decide_priority,
)
from ticket_platform_demo.simulator.responder_steps import GENERAL, family_of
from ticket_platform_demo.synthetic import PRODUCTS, generate_tickets


def ticket(
    subject: str = "Question about reserved capacity",
    description: str = "Could you explain how the reservation applies to our instances?",
    product: str = "Amazon EC2",
    issue_type: str = "Reserved Instance Billing",
    ticket_id: str = "TKT-20250808-2001",
    first_name: str = "Jonas",
) -> TicketSubmittedEvent:
    return TicketSubmittedEvent.model_validate(
        {
            "eventName": "TicketSubmitted",
            "ticketId": ticket_id,
            "submittedAt": "2025-08-08T10:00:00Z",
            "data": {
                "subject": subject,
                "description": description,
                "customer_contact_information": {
                    "first_name": first_name,
                    "last_name": "Berg",
                    "full_name": f"{first_name} Berg",
                    "email": "jonas.berg@example.com",
                },
                "product_issue_information": {"product": product, "issue_type": issue_type},
            },
        }
    )


def sentiment(label: str = "NEUTRAL", negative: float = 0.0, mixed: float = 0.0) -> SentimentResult:
    positive = round(max(0.0, 1.0 - negative - mixed - 0.1), 2)
    neutral = round(1.0 - positive - negative - mixed, 2)
    return SentimentResult.model_validate(
        {
            "Sentiment": label,
            "SentimentScore": {
                "Positive": positive,
                "Negative": negative,
                "Neutral": neutral,
                "Mixed": mixed,
            },
        }
    )


def submitted_from_synthetic(
    record: dict[str, Any],
) -> tuple[TicketSubmittedEvent, SentimentResult]:
    event = TicketSubmittedEvent.model_validate(
        {
            "eventName": "TicketSubmitted",
            "ticketId": record["ticket_id"],
            "submittedAt": record["submitted_at"],
            "data": {
                "subject": record["subject"],
                "description": record["description"],
                "customer_contact_information": {
                    "first_name": record["customer_first_name"],
                    "last_name": record["customer_last_name"],
                    "full_name": record["customer_full_name"],
                    "email": record["customer_email"],
                    "company": record["company"],
                },
                "product_issue_information": {
                    "product": record["product"],
                    "issue_type": record["issue_type"],
                },
            },
        }
    )
    scores = SentimentResult.model_validate(
        {
            "Sentiment": record["sentiment"],
            "SentimentScore": {
                "Positive": record["sentiment_score_positive"],
                "Negative": record["sentiment_score_negative"],
                "Neutral": record["sentiment_score_neutral"],
                "Mixed": record["sentiment_score_mixed"],
            },
        }
    )
    return event, scores


SYNTHETIC = [
    submitted_from_synthetic(r)
    for r in generate_tickets(300, seed=3, start=date(2025, 8, 1), end=date(2025, 8, 31))
]


# -- priority rules --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("subject", "description", "scores", "priority", "rule"),
    [
        (
            "Production API is down",
            "Our production service has been down since 09:00 and customers cannot log in.",
            sentiment("NEGATIVE", negative=0.82, mixed=0.05),
            "HIGH",
            "impact-and-distress",
        ),
        (
            "Objects missing after lifecycle change",
            "We noticed data loss in one prefix after yesterday's change.",
            sentiment("NEUTRAL", negative=0.1),
            "HIGH",
            "critical-impact",
        ),
        (
            "Possible security incident",
            "An access key may have been compromised.",
            sentiment("NEUTRAL", negative=0.2),
            "HIGH",
            "critical-impact",
        ),
        (
            "Planned outage window",
            "We plan a production cut-over next week and want to confirm the steps.",
            sentiment("POSITIVE"),
            "MEDIUM",
            "impact",
        ),
        (
            "Very unhappy with the console",
            "This is the third time we ask and nobody answers.",
            sentiment("NEGATIVE", negative=0.7),
            "MEDIUM",
            "distress",
        ),
        (
            "Queries are slow",
            "Since Monday the dashboard queries are slow and sometimes time out.",
            sentiment("MIXED", negative=0.15, mixed=0.2),
            "MEDIUM",
            "degraded-and-unhappy",
        ),
        (
            "Scale down the security group rules",
            "How do we scale down the cluster at night and tidy up the security group?",
            sentiment("NEUTRAL", negative=0.05),
            "NORMAL",
            "routine",
        ),
    ],
)
def test_priority_rules(subject, description, scores, priority, rule):
    decision = decide_priority(ticket(subject, description), scores)
    assert (decision.priority, decision.rule) == (priority, rule)
    assert decision.reasoning.startswith(f"{priority} by rule {rule}:")
    assert (
        f"{scores.SentimentScore.Negative + scores.SentimentScore.Mixed:.2f}" in decision.reasoning
    )


def test_the_reasoning_names_the_words_that_fired():
    decision = decide_priority(
        ticket("Outage in production", "Everything is down."), sentiment("NEGATIVE", negative=0.9)
    )
    assert '"production", "outage" and "down"' in decision.reasoning


# -- the response ----------------------------------------------------------------------------
def test_the_response_is_deterministic_per_ticket():
    responder = TemplateResponder()
    scores = sentiment("NEGATIVE", negative=0.8)
    first = responder.respond(ticket(ticket_id="TKT-1"), scores)
    assert first == responder.respond(ticket(ticket_id="TKT-1"), scores)
    texts = {
        responder.respond(ticket(ticket_id=f"TKT-{i}"), scores).response_text for i in range(12)
    }
    assert len(texts) > 1  # the seed varies wording and step choice between tickets


def test_the_response_addresses_the_customer_and_gives_concrete_steps():
    response = TemplateResponder().respond(
        ticket("API down in production", "All instances fail health checks."),
        sentiment("NEGATIVE", negative=0.9),
    )
    text = response.response_text
    assert text.startswith("Hello Jonas,\n")
    assert "Reserved Instance Billing on Amazon EC2" in text
    assert "TKT-20250808-2001" in text
    steps = re.findall(r"^\d\. (.+)$", text, re.MULTILINE)
    assert len(steps) == 3
    assert all(re.search(r"console|CloudWatch|`aws |CloudTrail|kubectl", s) for s in steps)
    assert text.endswith("Best regards,\nAWS Support")
    assert response.priority == "HIGH"
    assert (response.model_id, response.prompt_version) == (MODEL_ID, PROMPT_VERSION)
    assert (MODEL_ID, PROMPT_VERSION) == ("offline-template-responder", "template-v1")


def test_a_routine_ticket_gets_two_steps():
    text = TemplateResponder().respond(ticket(), sentiment()).response_text
    assert len(re.findall(r"^\d\. ", text, re.MULTILINE)) == 2


def test_every_synthetic_ticket_gets_a_professional_response():
    responder, priorities, problems = TemplateResponder(), set(), []
    for event, scores in SYNTHETIC:
        response = responder.respond(event, scores)
        text = response.response_text
        issue = event.data.product_issue_information
        checks = {
            "style": not style_problems(text) and not style_problems(response.priority_reasoning),
            "product and issue type": issue.product in text and issue.issue_type in text,
            "first name": event.data.customer_contact_information.first_name in text[:80],
            "2-3 steps": 2 <= len(re.findall(r"^\d\. ", text, re.MULTILINE)) <= 3,
        }
        problems += [f"{event.ticketId}: {name}" for name, ok in checks.items() if not ok]
        priorities.add(response.priority)
    assert problems == []
    assert priorities == {"HIGH", "MEDIUM", "NORMAL"}


def test_every_aws_product_of_the_catalog_has_a_step_family():
    aws = [p.name for p in PRODUCTS if p.name.startswith(("Amazon ", "AWS ", "Elastic "))]
    assert len(aws) == 55
    assert [name for name in aws if family_of(name) is GENERAL] == []
    # The seed system's own products get the general steps.
    assert family_of("Cloud Analytics Dashboard") is GENERAL
    assert family_of("Data Pipeline Service") is GENERAL


def test_the_template_responder_runs_through_the_generator_core():
    payload = {
        "ticket": ticket().model_dump(mode="json"),
        "sentiment": sentiment().model_dump(mode="json"),
    }
    result = generate_response(payload, TemplateResponder())
    assert set(result) == {
        "response_text",
        "priority",
        "priority_reasoning",
        "model_id",
        "prompt_version",
    }
    assert result["priority"] == "NORMAL"
    assert result["model_id"] == "offline-template-responder"
