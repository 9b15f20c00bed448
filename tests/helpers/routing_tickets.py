"""The routing tests' small fixed training set: four teams, each with its own vocabulary."""

from __future__ import annotations

from datetime import datetime, timedelta

# (product, subject, description) — the product names its team through lib/teams.py.
TEMPLATES = {
    "Amazon S3": [
        (
            "Bucket policy denies uploads",
            "PutObject returns AccessDenied on the bucket since the policy change.",
        ),
        (
            "Objects missing after lifecycle rule",
            "The lifecycle rule expired objects in the bucket prefix too early.",
        ),
        (
            "Presigned URL errors",
            "Presigned URLs for objects in the bucket return SignatureDoesNotMatch.",
        ),
    ],
    "Amazon RDS": [
        (
            "Database connections exhausted",
            "The Postgres instance hits max_connections and the replica lags.",
        ),
        (
            "Slow queries after failover",
            "After the Multi-AZ failover our database queries and replica are slow.",
        ),
        (
            "Snapshot restore stuck",
            "Restoring the database snapshot to a new instance stays in creating.",
        ),
    ],
    "Amazon VPC": [
        (
            "Subnet cannot reach the internet",
            "Instances in the private subnet time out; the NAT gateway route looks right.",
        ),
        (
            "Peering connection drops packets",
            "Traffic over the VPC peering connection drops; security group and route table checked.",
        ),
        (
            "Flow logs show rejects",
            "Flow logs show REJECT on the subnet's network ACL for port 443.",
        ),
    ],
    "AWS IAM": [
        (
            "AssumeRole denied",
            "The role's trust policy rejects sts:AssumeRole from our CI principal.",
        ),
        (
            "Access key rotation broke deploys",
            "After rotating the access key the user's policy denies every deploy.",
        ),
        (
            "MFA required for console",
            "The permission boundary and MFA condition lock users out of the console.",
        ),
    ],
}


def fixed_tickets(per_template: int = 4, start: datetime = datetime(2025, 3, 1)) -> list[dict]:
    """Every template ``per_template`` times with a numbered suffix, spread over ten days."""
    tickets = []
    n = 0
    for repeat in range(per_template):
        for product, pairs in TEMPLATES.items():
            for subject, description in pairs:
                tickets.append(
                    {
                        "ticket_id": f"TKT-{n:04d}",
                        "submitted_at": start + timedelta(hours=6 * n),
                        "subject": f"{subject} ({repeat})",
                        "description": f"{description} Case {n}.",
                        "product": product,
                    }
                )
                n += 1
    return tickets
