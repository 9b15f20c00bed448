"""The app's stacks."""

from infra_cdk.stacks.realtime import TicketRealtimeStack

__all__ = ["TicketRealtimeStack"]
