"""A fact base of what exists in AWS, and the checks that find a reply's wrong details with it.

``check_reply(response_text, product, ticket_text)`` lists the details a fact contradicts: CLI
commands and options (the AWS CLI's own command tree), CloudWatch namespaces and metrics
(aws-cdk-lib's canned metrics), log groups, console pages and features (compiled from AWS
documentation), and another product's details in a reply to this product's ticket. See
``base.py`` for the data and ``checks.py`` for what counts as wrong.
"""

from ticket_platform.evaluation.facts.checks import check_reply
from ticket_platform.evaluation.facts.findings import DetailKind, FactFinding

__all__ = ["DetailKind", "FactFinding", "check_reply"]
