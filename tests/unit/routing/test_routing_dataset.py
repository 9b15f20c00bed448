"""Labels: product team by default, the latest correction overriding; the reference set."""

from __future__ import annotations

from datetime import datetime

from helpers.routing_tickets import fixed_tickets

from ticket_platform.routing.dataset import (
    Correction,
    label_tickets,
    latest_corrections,
    mask_product_names,
    reference_examples,
)


def _correction(ticket_id, team, at, loaded=None):
    return Correction(ticket_id, team, "ana@example.com", at, loaded)


def test_the_latest_correction_overrides_the_product_team():
    tickets = fixed_tickets()[:3]  # Amazon S3 → storage
    corrections = latest_corrections(
        [
            _correction("TKT-0000", "networking", datetime(2025, 3, 2)),
            _correction("TKT-0000", "databases", datetime(2025, 3, 3)),  # later: wins
            _correction("TKT-0001", "compute", datetime(2025, 3, 3), datetime(2025, 3, 4)),
            _correction("TKT-0001", "analytics", datetime(2025, 3, 3), datetime(2025, 3, 5)),
        ]
    )
    examples = {e.ticket_id: e for e in label_tickets(tickets, corrections)}
    assert (examples["TKT-0000"].team, examples["TKT-0000"].label_source) == (
        "databases",
        "correction",
    )
    # Same corrected_at: the one loaded last wins.
    assert examples["TKT-0001"].team == "analytics"
    assert (examples["TKT-0002"].team, examples["TKT-0002"].label_source) == ("storage", "product")


def test_unlabelled_textless_and_excluded_tickets_are_left_out():
    tickets = fixed_tickets()[:4]
    tickets[0]["product"] = None  # no product, no correction: no label
    tickets[1]["product"] = None  # no product, but corrected: labelled
    tickets[2]["subject"] = tickets[2]["description"] = None  # nothing to read
    corrections = {"TKT-0001": _correction("TKT-0001", "storage", datetime(2025, 3, 2))}
    examples = label_tickets(tickets, corrections, exclude={"TKT-0003"})
    assert [e.ticket_id for e in examples] == ["TKT-0001"]


def test_a_product_nobody_owns_goes_to_general_support():
    ticket = fixed_tickets()[0] | {"product": "Some New Service"}
    [example] = label_tickets([ticket], {})
    assert example.team == "general support"


def test_the_reference_set_is_the_seed_systems_real_tickets_with_their_product_team():
    reference = reference_examples()
    assert len(reference) == 100
    first = next(e for e in reference if e.ticket_id == "TKT-20250808-1046")
    assert first.team == "developer tools"  # AWS CodeBuild
    assert first.text.startswith("CodeBuild Environment Issue")
    assert len({e.team for e in reference}) == 12


def test_masking_removes_every_form_of_a_product_name():
    text = "Our Amazon EC2 hosts and the EC2 fleet; AWS CodeBuild, codebuild and Route 53 too."
    assert mask_product_names(text) == (
        "Our [product] hosts and the [product] fleet; [product], [product] and [product] too."
    )
    assert mask_product_names("the bucket policy") == "the bucket policy"
