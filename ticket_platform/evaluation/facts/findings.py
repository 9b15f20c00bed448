"""What a fact check reports: one detail of a reply that contradicts the fact base."""

from dataclasses import dataclass
from enum import StrEnum


class DetailKind(StrEnum):
    """The kinds of service-specific detail the fact base can check."""

    cli_command = "cli_command"  # `aws <service> <command>`: service or command does not exist
    cli_parameter = "cli_parameter"  # `--option` the command does not take
    metric = "metric"  # a CloudWatch metric not in the named (or the product's) namespace
    namespace = "namespace"  # a CloudWatch namespace that does not exist
    log_group = "log_group"  # a log group path the service never writes
    console_page = "console_page"  # a console page or tab of another service, or none
    feature_owner = "feature_owner"  # a feature or setting attributed to the wrong service


@dataclass(frozen=True, slots=True)
class FactFinding:
    """A wrong detail: what the reply says (``detail``, quoted from it) and the fact it contradicts.

    ``fact`` is written for a reader ("the lambda CLI has no command get-function-config; the
    closest is get-function-configuration"); ``source`` names the fact base entry it came from
    ("botocore 1.40.1 service model lambda").
    """

    kind: DetailKind
    detail: str
    fact: str
    source: str

    def describe(self) -> str:
        """One line for a verdict's reasoning or a judge's prompt."""
        return f"{self.kind.value} '{self.detail}': {self.fact}"
