"""The offline TemplateResponder: deterministic, rule-based priority, replies with the flaws of
real generated replies at the rates measured on the seed system."""

import json
import re
from collections import Counter
from datetime import date
from functools import cache
from typing import Any

import pytest
from pydantic import ValidationError

from lambdas.response_generator.generator import generate_response
from lambdas.response_generator.models import GeneratedResponse
from ticket_platform.contracts import Priority, SentimentResult, TicketSubmittedEvent
from ticket_platform.contracts.style import style_problems
from ticket_platform.evaluation.text_checks import product_mention
from ticket_platform_demo.simulator import flaw_rates
from ticket_platform_demo.simulator.responder import (
    MODEL_ID,
    PROMPT_VERSION,
    TemplateResponder,
    compose_response,
    decide_priority,
)
from ticket_platform_demo.simulator.responder_flaws import (
    DELIVERED_FLAWS,
    add_tone_flaws,
    apply_flaws,
    flawed_reply,
    measured,
)
from ticket_platform_demo.simulator.responder_flaws import (
    flaw_rates as rates_for,
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


def test_the_clean_reply_addresses_the_customer_and_gives_concrete_steps():
    event = ticket("API down in production", "All instances fail health checks.")
    response = TemplateResponder().respond(event, sentiment("NEGATIVE", negative=0.9))
    text = compose_response(event, Priority.HIGH)  # before the responder's flaws
    assert text.startswith("Hello Jonas,\n")
    assert "Reserved Instance Billing on Amazon EC2" in text
    assert "TKT-20250808-2001" in text
    assert "We understand that all instances fail health checks." in text  # their words
    steps = re.findall(r"^\d\. (.+)$", text, re.MULTILINE)
    assert len(steps) == 3
    assert all(re.search(r"console|CloudWatch|`aws |CloudTrail|kubectl", s) for s in steps)
    assert text.endswith("Best regards,\nAWS Support")
    assert response.priority == "HIGH"
    assert (response.model_id, response.prompt_version) == (MODEL_ID, PROMPT_VERSION)
    assert (MODEL_ID, PROMPT_VERSION) == ("offline-template-responder", "template-v3-flawed")


def test_a_routine_ticket_gets_two_steps():
    text = compose_response(ticket(), Priority.NORMAL)
    assert len(re.findall(r"^\d\. ", text, re.MULTILINE)) == 2


def test_every_synthetic_ticket_gets_a_house_style_reply_and_a_clean_template():
    responder, priorities, problems = TemplateResponder(), set(), []
    for event, scores in SYNTHETIC:
        response = responder.respond(event, scores)
        text, clean = response.response_text, compose_response(event, response.priority)
        issue = event.data.product_issue_information
        checks = {
            "style": not style_problems(text) and not style_problems(response.priority_reasoning),
            "greeting and sign-off": text.startswith("Hello ") and text.endswith("AWS Support"),
            "first name": event.data.customer_contact_information.first_name in text[:80],
            "clean: product and issue type": issue.product in clean and issue.issue_type in clean,
            "clean: 2-3 steps": 2 <= len(re.findall(r"^\d\. ", clean, re.MULTILINE)) <= 3,
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


# -- flaws at the rates measured on the seed system's real replies ---------------------------
SEED_REPLIES, SEED_VERDICTS = flaw_rates.SEED_REPLIES, flaw_rates.SEED_VERDICTS
SAMPLE = 2_000


@cache
def sample() -> list[dict[str, Any]]:
    """2,000 generated tickets through the responder as the simulator runs them: the workflow's
    sentiment text scored by the offline analyser, then ``TemplateResponder``."""
    from lambdas.trigger_sfn.execution import sentiment_text
    from ticket_platform_demo.simulator.sentiment import default_analyzer
    from ticket_platform_demo.simulator.simulate import submitted_events

    analyzer, responder, rows = default_analyzer(), TemplateResponder(), []
    records = list(generate_tickets(SAMPLE, 42, date(2025, 8, 1), date(2025, 8, 14)))
    for record, event in zip(records, submitted_events(records), strict=True):
        submitted = TicketSubmittedEvent.model_validate(event)
        scores = SentimentResult.model_validate(
            analyzer.detect_sentiment(sentiment_text(submitted))
        )
        response = responder.respond(submitted, scores)
        flaws = flawed_reply(submitted, Priority(response.priority)).flaws
        rows.append({**record, **response.model_dump(), "injected": flaws})
    return rows


def classified(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [flaw_rates.classify(flaw_rates.evaluation_item(row)) for row in rows]


def tolerance(rate: float, n: int) -> float:
    """Three binomial standard errors of the sample, plus two points for the seed's rounding."""
    return 3 * (rate * (1 - rate) / n) ** 0.5 + 0.02


def test_flawed_replies_are_deterministic_by_ticket_id():
    scores = sentiment("NEUTRAL")
    replies = [
        TemplateResponder().respond(ticket(ticket_id=f"TKT-{i}"), scores) for i in range(200)
    ]
    again = [TemplateResponder().respond(ticket(ticket_id=f"TKT-{i}"), scores) for i in range(200)]
    assert replies == again
    clean = compose_response(ticket(ticket_id="TKT-0"), Priority.NORMAL)
    assert sum(r.response_text != clean for r in replies) > 50  # ids vary steps and flaws


def judged(event: TicketSubmittedEvent, text: str) -> dict[str, Any]:
    """``flaw_rates.classify`` of ``text`` as the reply to ``event``."""
    data, issue = event.data, event.data.product_issue_information
    row = {"ticket_id": event.ticketId, "subject": data.subject, "description": data.description}
    row |= {"product": issue.product, "issue_type": issue.issue_type, "response_text": text}
    return flaw_rates.classify(flaw_rates.evaluation_item(row))


def forced(flaws: tuple[str, ...]) -> dict[str, Any]:
    event = ticket("Instances fail status checks", "Two instances fail their status checks.")
    parts, applied = apply_flaws(event, Priority.MEDIUM, flaws)
    return {"applied": applied, "text": parts.render(), **judged(event, parts.render())}


@pytest.mark.parametrize(
    ("flaw", "failing"),
    [
        ((), set()),
        (("generic_steps",), {"actionable_guidance"}),
        (("missing_steps",), {"actionable_guidance"}),
        (("info_request_only",), {"actionable_guidance"}),
        # Another product's reply names its details as that product's: off topic, not wrong.
        (("off_topic",), {"contextual_relevance"}),
        (("unsafe_advice",), {"technical_accuracy"}),
        # IAM's and Organizations' features named in the Cognito console: any ticket may use
        # those services, so the fact base proves nothing (most of the seed's are like this).
        (("wrong_service_detail",), set()),
    ],
)
def test_each_injected_flaw_moves_the_rules_judge_as_on_the_seed(flaw, failing):
    result = forced(flaw)
    assert result["applied"] == flaw
    assert {k for k, ok in result["passed"].items() if not ok} == failing
    detected = {k for k, on in result["flaws"].items() if on}
    assert detected == set(flaw) - {"wrong_service_detail"}
    assert not style_problems(result["text"])  # every delivered flaw passes the house style


def test_a_wrong_service_detail_is_a_step_of_another_family():
    clean, wrong = forced(()), forced(("wrong_service_detail",))
    changed = set(wrong["text"].splitlines()) - set(clean["text"].splitlines())
    assert len(changed) == 1 and "EC2" not in changed.pop()


def test_tone_flaws_fail_the_judge_and_are_refused_by_the_house_style_guard():
    text = compose_response(ticket(), Priority.NORMAL)
    for contraction, exclamation in ((True, False), (False, True)):
        flawed = add_tone_flaws(text, contraction=contraction, exclamation=exclamation)
        result = judged(ticket(), flawed)
        assert not result["passed"]["professional_tone"]
        assert (result["flaws"]["contraction"], result["flaws"]["exclamation"]) == (
            contraction,
            exclamation,
        )
        with pytest.raises(ValidationError, match="house style"):
            GeneratedResponse(
                response_text=flawed,
                priority="NORMAL",
                priority_reasoning="routine",
                model_id=MODEL_ID,
                prompt_version=PROMPT_VERSION,
            )


def test_the_stored_rates_are_those_measured_on_the_seed_file():
    if not (SEED_REPLIES.exists() and SEED_VERDICTS.exists()):
        pytest.skip(f"the seed system's files are not here ({SEED_REPLIES.parent})")
    stored, fresh = measured(), flaw_rates.measure_seed()
    for key in ("overall", "by_priority", "by_family", "generic_specific_steps", "model_judge"):
        assert json.loads(json.dumps(fresh[key])) == stored[key], key
    assert stored["source"] == str(SEED_REPLIES)
    # The seed's all-four pass rate, re-measured under rules-v3 (0.32 under rules-v2).
    assert stored["overall"]["all_four"] == 0.30


def test_generated_flaw_rates_match_the_measured_rates_by_priority():
    rows, misses = sample(), []
    for priority in Priority:
        group = [row for row in rows if row["priority"] == priority.value]
        assert len(group) > 200, priority
        expected = rates_for(priority)
        detected = classified(group)
        for flaw in DELIVERED_FLAWS:
            if flaw == "wrong_service_detail":  # invisible to the rules: count what was injected
                hits = sum(flaw in row["injected"] for row in group)
            else:
                hits = sum(c["flaws"][flaw] for c in detected)
            rate, want = hits / len(group), expected[flaw]
            if abs(rate - want) > tolerance(want, len(group)):
                misses.append(f"{priority.value} {flaw}: {rate:.3f} vs measured {want:.3f}")
    assert misses == []


def test_judge_pass_rates_on_generated_replies_are_near_the_seeds():
    seed = measured()["overall"]
    results = classified(sample())
    n = len(results)
    rates = {c: sum(r["passed"][c] for r in results) / n for c in seed["criteria"]}
    for criterion in ("contextual_relevance", "technical_accuracy", "actionable_guidance"):
        assert abs(rates[criterion] - seed["criteria"][criterion]) <= 0.08, criterion
    # Professional tone: the seed's 33 % came from contractions and exclamation marks, which the
    # platform's house-style guard refuses, so every delivered reply passes it.
    assert rates["professional_tone"] == 1.0
    all_four = sum(all(r["passed"].values()) for r in results) / n
    assert abs(all_four - seed["all_but_tone"]) <= 0.08
    assert all_four < 0.9  # no longer the perfect 100 % of template-v1


def test_some_high_priority_tickets_get_a_failing_reply():
    high = [row for row in sample() if row["priority"] == "HIGH"]
    failing = [r for r in classified(high) if not all(r["passed"].values())]
    assert 0 < len(failing) < len(high) / 5


def test_off_topic_replies_do_not_name_the_ticket_product():
    rows = [row for row in sample() if "off_topic" in row["injected"]]
    assert rows
    assert all(product_mention(row["response_text"], row["product"]) is None for row in rows)
    assert Counter(row["priority"] for row in rows).keys() <= {"MEDIUM"}  # as measured
