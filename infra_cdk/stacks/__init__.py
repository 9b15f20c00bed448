"""The app's stacks."""

from infra_cdk.stacks.batch import RealtimeResources, TicketBatchStack
from infra_cdk.stacks.realtime import TicketRealtimeStack

__all__ = ["RealtimeResources", "TicketBatchStack", "TicketRealtimeStack"]
