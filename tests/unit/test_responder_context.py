"""The template responder reads the customer's account back from the ticket and answers it."""

from ticket_platform.contracts import Priority, TicketSubmittedEvent
from ticket_platform.contracts.style import style_problems
from ticket_platform_demo.simulator.responder_context import read_ticket, second_person
from ticket_platform_demo.simulator.responder_flaws import apply_flaws
from ticket_platform_demo.simulator.responder_reply import compose_response


def ticket(
    description: str,
    *,
    subject: str = "Cannot SSH into instance",
    product: str = "Amazon EC2",
    issue_type: str = "Instance Connectivity",
) -> TicketSubmittedEvent:
    return TicketSubmittedEvent.model_validate(
        {
            "eventName": "TicketSubmitted",
            "ticketId": "TKT-20250808-3001",
            "submittedAt": "2025-08-08T10:00:00Z",
            "data": {
                "subject": subject,
                "description": description,
                "customer_contact_information": {
                    "first_name": "Ana",
                    "last_name": "Lima",
                    "full_name": "Ana Lima",
                    "email": "ana.lima@example.com",
                },
                "product_issue_information": {"product": product, "issue_type": issue_type},
            },
        }
    )


SSH = ticket(
    "Since this morning, SSH connections to i-0a1b2c3d4e5f60718 time out after about 30 seconds. "
    'The error we get is "ssh: connect to host 10.1.2.3 port 22: Connection timed out". '
    "We have already rebooted the instance twice and restarted the affected components. "
    "It is slowing down our checkout processing noticeably."
)


def test_catalog_clauses_come_back_with_the_tickets_own_values():
    facts = read_ticket(SSH)
    assert facts.symptom == "SSH connections to i-0a1b2c3d4e5f60718 time out after about 30 seconds"
    assert facts.error == "ssh: connect to host 10.1.2.3 port 22: Connection timed out"
    assert facts.resource == "i-0a1b2c3d4e5f60718"
    assert facts.tried == ("rebooted the instance twice", "restarted the affected components")
    assert facts.workload == "checkout processing"
    assert facts.issue is not None and facts.issue.name == "Instance Connectivity"


def test_the_reply_says_the_customers_account_back_before_its_steps():
    text = compose_response(SSH, Priority.MEDIUM)
    opening = text.split("\n\n")[1]
    assert "We understand that SSH connections to i-0a1b2c3d4e5f60718 time out" in opening
    assert '"ssh: connect to host 10.1.2.3 port 22: Connection timed out"' in opening
    assert "rebooted the instance twice" in opening
    assert "your checkout processing" in opening
    assert not style_problems(text)


def test_a_question_of_the_issue_type_is_quoted_and_answered_with_its_closest_step():
    event = ticket(
        "Everything works well. Our question: should we move our bastion hosts to Session Manager?"
    )
    facts = read_ticket(event)
    assert facts.question == "Should we move our bastion hosts to Session Manager?"
    text = compose_response(event, Priority.NORMAL)
    assert (
        'You asked: "Should we move our bastion hosts to Session Manager?" We recommend that you '
        "try connecting through Session Manager" in text
    )


def test_closing_questions_any_ticket_asks_are_not_quoted():
    event = ticket("SSH connections time out. What would you recommend as next steps?")
    assert read_ticket(event).question is None
    assert "You asked" not in compose_response(event, Priority.NORMAL)


def test_a_ticket_outside_the_catalog_is_read_plainly():
    event = ticket(
        'Our nightly export to the warehouse fails with "quota exceeded for table loads". '
        "Can we raise the table load quota for the reporting project?",
        subject="Export failing",
        product="Cloud Analytics Dashboard",
        issue_type="Quota Question",
    )
    facts = read_ticket(event)
    assert facts.issue is None
    assert facts.error == "quota exceeded for table loads"
    assert facts.question == "Can we raise the table load quota for the reporting project?"
    assert facts.symptom is not None and facts.symptom.startswith("Your nightly export")


def test_what_the_reply_cannot_say_in_the_house_style_is_left_out():
    event = ticket(
        'The replica says "READONLY You can\'t write against a read only replica." on every write.',
        product="Amazon ElastiCache",
        issue_type="Replication Lag",
    )
    assert read_ticket(event).error is None
    assert not style_problems(compose_response(event, Priority.MEDIUM))


def test_second_person_speaks_to_the_customer_without_contractions():
    assert second_person("We're seeing our queue grow") == "You are seeing your queue grow"
    assert second_person("the jobs don't start for us") == "the jobs do not start for you"
    # Ids and regions are not pronouns.
    assert (
        second_person("I am told i-0abc in us-east-1 fails")
        == "you are told i-0abc in us-east-1 fails"
    )


def test_an_off_topic_reply_says_nothing_of_the_customers_account():
    parts, applied = apply_flaws(SSH, Priority.MEDIUM, ("off_topic",))
    assert applied == ("off_topic",)
    text = parts.render()
    assert "i-0a1b2c3d4e5f60718" not in text and "rebooted" not in text
