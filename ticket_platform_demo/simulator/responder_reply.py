"""The template responder's clean reply, in parts that ``responder_flaws`` can spoil.

Greeting, opening (thanks, the issue type and product, the ticket id, an acknowledgement by
priority), an intro and 2-3 numbered steps from the product family's library
(``responder_steps``), what to send back, sign-off. Choices are seeded by the ticket id, so the
same ticket always gets the same clean reply.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace

from ticket_platform.contracts import Priority, TicketSubmittedEvent
from ticket_platform.evaluation.text_checks.products import short_product
from ticket_platform_demo.simulator.responder_steps import Family, family_of

SIGN_OFF = "Best regards,\nAWS Support"

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


def seeded_rng(key: str) -> random.Random:
    """A random generator seeded by ``key`` (a ticket id, or a ticket id and a purpose)."""
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


@dataclass(frozen=True, slots=True)
class ReplyParts:
    """A reply before rendering; an empty ``intro``/``steps``/``ask`` leaves its block out."""

    greeting: str
    opening: str
    intro: str
    steps: tuple[str, ...]
    ask: str
    sign_off: str = SIGN_OFF

    def with_(self, **changes: object) -> ReplyParts:
        return replace(self, **changes)  # type: ignore[arg-type]

    def render(self) -> str:
        blocks = [self.greeting, self.opening]
        if self.steps:
            numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(self.steps, start=1))
            blocks.append(f"{self.intro}\n{numbered}" if self.intro else numbered)
        elif self.intro:
            blocks.append(self.intro)
        blocks += [block for block in (self.ask, self.sign_off) if block]
        return "\n\n".join(blocks)


def step_count(priority: Priority) -> int:
    return 2 if priority == Priority.NORMAL else 3


def family_steps(family: Family, product: str, count: int, rng: random.Random) -> tuple[str, ...]:
    """``count`` steps of ``family`` in library order, ``{product}`` filled with its short name."""
    picked = sorted(rng.sample(range(len(family.steps)), count))
    short = short_product(product)
    return tuple(family.steps[index].format(product=short) for index in picked)


def compose_parts(
    ticket: TicketSubmittedEvent,
    priority: Priority,
    *,
    product: str | None = None,
    issue_type: str | None = None,
) -> ReplyParts:
    """The clean reply's parts; ``product``/``issue_type`` write it about something else."""
    rng = seeded_rng(ticket.ticketId)
    issue = ticket.data.product_issue_information
    product = product or issue.product
    issue_type = issue_type or issue.issue_type
    first_name = ticket.data.customer_contact_information.first_name.strip()
    family = family_of(product)
    steps = family_steps(family, product, step_count(priority), rng)
    return ReplyParts(
        greeting=f"Hello {first_name}," if first_name else "Hello,",
        opening=(
            f"Thank you for contacting AWS Support about {issue_type} on {product}, recorded as "
            f"ticket {ticket.ticketId}. {rng.choice(_ACKNOWLEDGEMENTS[priority])}"
        ),
        intro=rng.choice(_STEP_INTROS),
        steps=steps,
        ask=(
            f"If the issue continues, please reply with {family.asks}, together with any error "
            "message exactly as shown."
        ),
    )


def compose_response(ticket: TicketSubmittedEvent, priority: Priority) -> str:
    """The clean customer reply: greeting, acknowledgement, 2-3 numbered steps, what to send
    back (no flaws: the responder spoils some of them, see ``responder_flaws``)."""
    return compose_parts(ticket, priority).render()
