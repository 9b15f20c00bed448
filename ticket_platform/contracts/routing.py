"""An analyst's correction of a ticket's owning team, as it lands in ``feedback/`` files.

Only the shape is checked here; whether ``correct_team`` is a configured team is checked by the
feedback loader against ``dbt_project/seeds/product_teams.csv``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from ticket_platform.contracts.tickets import ContractModel, TicketId, UtcDatetime

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class RoutingCorrection(ContractModel):
    """``{"ticket_id", "correct_team", "corrected_by", "corrected_at"}`` (extra fields ignored)."""

    ticket_id: TicketId
    correct_team: Name
    corrected_by: Name
    corrected_at: UtcDatetime


__all__ = ["RoutingCorrection"]
