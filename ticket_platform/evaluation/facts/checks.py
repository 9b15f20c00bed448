"""Check a reply's service-specific details against the fact base.

Each check reports only what a fact contradicts; a detail the fact base does not cover is unknown,
and unknown is not wrong:

* a CLI command or option that does not exist (a command of another service is named as such; a
  real command of a service the ticket does not name is not wrong: the customer may run it);
* a namespace spelt after the product's name that is not its real one (``AWS/StepFunctions``),
  and any ``AWS/...`` namespace AWS does not document (``AWS/Redis``): the namespace list is the
  one list complete by intent;
* a metric name close to one of its namespace's listed metrics but not one of them
  (``CacheHitRatio`` for ``CacheHitRate``): misremembered. A name close to none may be a metric
  the list lacks, and is not checked;
* another product's metric, log group or namespace: evidence about this ticket's problem must
  come from the product, a service every ticket may use (CloudWatch, CloudTrail, IAM, KMS, VPC,
  S3) or one the ticket itself names, unless the sentence attributes it to its owner;
* a log group a service never writes, or not under that name;
* a page of another console; a distinctive feature of a service that neither the ticket, the
  reply nor the product's related services involve.

A product whose tickets may involve any service (CloudWatch, Step Functions...) has no "other
product". ``docs/judging-facts.md`` has the measurements and the blind spots.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ticket_platform.evaluation.facts import extract
from ticket_platform.evaluation.facts.base import FactBase, ServiceFacts, fact_base
from ticket_platform.evaluation.facts.findings import DetailKind, FactFinding

# Commands and options of AWS CLI v2 that v1's command tree (the fact base's) lacks (AWS CLI v2
# user guide, "New features and changes in AWS CLI version 2").
_CLI_V2_COMMANDS = {("logs", "tail"), ("logs", "start-live-tail"), ("configure", "sso"),
                    ("configure", "sso-session"), ("configure", "export-credentials"),
                    ("configure", "list-profiles"), ("sso", "login"), ("sso", "logout"),
                    ("ddb", "select"), ("ddb", "put")}  # fmt: skip
_CLI_V2_SERVICES = {"ddb"}
_CLI_V2_OPTIONS = {"cli-binary-format", "no-cli-pager", "cli-auto-prompt", "no-cli-auto-prompt",
                   "cli-input-yaml", "no-paginate"}  # fmt: skip
_GENERIC_PAGE_OWNERS = 4  # a page name listed for this many services ("Monitoring") is generic


@dataclass(frozen=True)
class _Ticket:
    """What the checks know of the ticket: its product's service and the services involved."""

    product: ServiceFacts | None
    in_ticket: frozenset[str]  # service keys named in the ticket's subject or description
    in_reply: frozenset[str]  # service keys named in the reply

    def allows(self, keys: Iterable[str], facts: FactBase, *, evidence: bool = False) -> bool:
        """Whether details of any of ``keys`` may appear in a reply to this ticket.

        A command or feature may come from the product's related services or any service the
        reply brings in. ``evidence`` (a metric or log group to read) must come from the product,
        a service every ticket may use, or one the ticket itself involves: another service's
        logs and metrics say nothing about this ticket's problem.
        """
        keys = set(keys)
        if self.product is None or self.product.cross_cutting or not keys:
            return True
        allowed = {self.product.key} | self.product.components | facts.supporting | self.in_ticket
        if not evidence:
            allowed |= self.product.related | self.in_reply
        return bool(keys & allowed) or any(facts.services[k].cross_cutting for k in keys)


def check_reply(response_text: str, product: str, ticket_text: str = "") -> list[FactFinding]:
    """Every detail of ``response_text`` that the fact base proves wrong for a ticket about
    ``product`` (``ticket_text``: its subject and description, to know the services involved)."""
    facts = fact_base()
    ticket = _Ticket(
        product=facts.service_of_product(product),
        in_ticket=_named_services(ticket_text, facts),
        in_reply=_named_services(response_text, facts),
    )
    findings: list[FactFinding] = []
    findings += _check_cli(response_text, ticket, facts)
    findings += _check_namespaces(response_text, ticket, facts)
    findings += _check_metrics(response_text, ticket, facts)
    findings += _check_unlisted_metrics(response_text, ticket, facts)
    findings += _check_log_groups(response_text, ticket, facts)
    findings += _check_console_pages(response_text, ticket, facts)
    findings += _check_features(response_text, ticket, facts)
    return list(dict.fromkeys(findings))


def _named_services(text: str, facts: FactBase) -> frozenset[str]:
    return frozenset(facts.by_name[m.group(0).lower()] for m in _name_pattern().finditer(text))


@cache
def _name_pattern() -> re.Pattern[str]:
    facts = fact_base()
    names = sorted({n for s in facts.services.values() for n in s.names}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def _closest(word: str, choices: Iterable[str]) -> str:
    """A truncated name's completion ("get-function-config" -> "...-configuration"), else the
    most similar name."""
    choices = list(choices)
    longer = sorted((c for c in choices if c.startswith(word)), key=len)
    close = longer or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; the closest is {close[0]}" if close else ""


def _label(keys: Iterable[str], facts: FactBase) -> str:
    return " / ".join(facts.services[k].name for k in sorted(keys))


def _other_product(detail: str, owners: Iterable[str], ticket: _Ticket, facts: FactBase) -> str:
    product = ticket.product.name if ticket.product else "the product"
    return (
        f"{detail} belongs to {_label(owners, facts)}, which this {product} ticket does not involve"
    )


def _check_cli(text: str, ticket: _Ticket, facts: FactBase) -> list[FactFinding]:
    found = []
    source = f"AWS CLI command tree ({facts.cli_source})"
    for mention in extract.cli_commands(text):
        service, command = mention.service, mention.command
        commands = facts.cli_services.get(service)
        if commands is None:
            if mention.in_code and service not in _CLI_V2_SERVICES:
                fact = (
                    f"the AWS CLI has no service '{service}'{_closest(service, facts.cli_services)}"
                )
                found.append(FactFinding(DetailKind.cli_command, mention.text, fact, source))
            continue
        if command is None or command in {"help", "wait"} or (service, command) in _CLI_V2_COMMANDS:
            continue
        options = commands.get(command)
        if options is None and command in _installed_commands(service):
            continue  # newer than the fact base: the installed botocore knows it
        if options is None:
            elsewhere = sorted(s for s, c in facts.cli_services.items() if command in c)[:3]
            hint = (
                f"; {command} is a command of {', '.join(f'aws {s}' for s in elsewhere)}"
                if elsewhere
                else _closest(command, commands)
            )
            fact = f"aws {service} has no command '{command}'{hint}"
            found.append(FactFinding(DetailKind.cli_command, mention.text, fact, source))
            continue
        for option in mention.options:
            if option not in options and option not in facts.cli_global_options | _CLI_V2_OPTIONS:
                fact = (
                    f"aws {service} {command} takes no --{option} option{_closest(option, options)}"
                )
                found.append(FactFinding(DetailKind.cli_parameter, f"--{option}", fact, source))
    return found


# CLI service names that differ from botocore's service names.
_BOTOCORE_NAMES = {"s3api": "s3", "configservice": "config", "deploy": "codedeploy"}


@cache
def _installed_commands(cli_service: str) -> frozenset[str]:
    """The CLI command names of the installed botocore's model of ``cli_service`` (empty when
    botocore has no such service): a command newer than the fact base is not wrong."""
    import botocore.session
    from botocore import xform_name
    from botocore.exceptions import UnknownServiceError

    try:
        model = botocore.session.get_session().get_service_model(
            _BOTOCORE_NAMES.get(cli_service, cli_service)
        )
    except UnknownServiceError:
        return frozenset()
    return frozenset(xform_name(name, "-") for name in model.operation_names)


def _check_namespaces(text: str, ticket: _Ticket, facts: FactBase) -> list[FactFinding]:
    found = []
    known = set(facts.metrics) | set(facts.by_namespace)
    source = f"{facts.metrics_source}; aws_docs {facts.docs_compiled}"
    for namespace in extract.namespaces(text):
        if namespace in known:
            owners = facts.by_namespace.get(namespace, ())
            if owners and not ticket.allows(owners, facts):
                fact = _other_product(f"the namespace {namespace}", owners, ticket, facts)
                found.append(FactFinding(DetailKind.namespace, namespace, fact, source))
            continue
        if _documented(namespace, facts):
            continue  # a real namespace of a service the fact base does not describe
        squashed = namespace.lower().removeprefix("aws/").replace("-", "")
        for service in facts.services.values():
            names = (*service.names, *service.cli)  # "AWS/ConfigService", "AWS/DynamoDBStreams"
            spelled = {n.lower().replace(" ", "").replace("-", "") for n in names}
            real = sorted(service.namespaces - {namespace})
            if squashed in spelled and real:
                fact = f"{service.name} publishes its metrics in {', '.join(real)}, not {namespace}"
                found.append(FactFinding(DetailKind.namespace, namespace, fact, source))
                break
        else:
            fact = _undocumented_namespace(namespace, ticket)
            found.append(FactFinding(DetailKind.namespace, namespace, fact, source))
    return found


def _documented(namespace: str, facts: FactBase) -> bool:
    """Whether AWS documents the namespace (the list is complete by intent); a sub-namespace
    (``AWS/S3/Storage-Lens``) is judged by its first two parts."""
    head = "/".join(namespace.split("/")[:2]).lower()
    return namespace.lower() in facts.all_namespaces or head in facts.all_namespaces


def _undocumented_namespace(namespace: str, ticket: _Ticket) -> str:
    """Why an ``AWS/...`` namespace no AWS documentation lists is wrong (``AWS/Redis``)."""
    fact = f"{namespace} is not a CloudWatch namespace AWS documents"
    if ticket.product is not None:
        real = sorted(ticket.product.namespaces)
        fact += (
            f"; {ticket.product.name} publishes its metrics in {', '.join(real)}"
            if real
            else f"; {ticket.product.name} publishes no CloudWatch metrics of its own"
        )
    return fact


def _check_metrics(text: str, ticket: _Ticket, facts: FactBase) -> list[FactFinding]:
    found = []
    source = facts.metrics_source
    for metric, sentence in extract.metric_candidates(text, facts.metric_namespaces):
        homes = facts.metric_namespaces[metric]
        owners = {key for ns in homes for key in facts.by_namespace.get(ns, ())}
        if owners & _named_services(sentence, facts):
            continue  # "ThrottledRequests (for DynamoDB)": attributed to its owner
        named = [ns for ns in extract.namespaces(sentence) if ns in facts.metrics]
        if named:
            if not homes & set(named):
                fact = f"{metric} is not a metric of {', '.join(named)} (it is in {', '.join(sorted(homes))})"
                found.append(FactFinding(DetailKind.metric, metric, fact, source))
            continue
        if ticket.product is None or homes & ticket.product.namespaces:
            continue
        if not any(ns in facts.metrics for ns in ticket.product.namespaces):
            continue  # the product's own metrics are not in the fact base: cannot tell
        if owners and not ticket.allows(owners, facts, evidence=True):
            detail = f"the metric {metric} ({', '.join(sorted(homes))})"
            fact = _other_product(detail, owners, ticket, facts)
            found.append(FactFinding(DetailKind.metric, metric, fact, source))
    return found


# How close (difflib's ratio) an unknown name must be to a listed metric to be a misremembered
# one: difflib's default. At it no correct reply of the 720 labelled fails, and MatchedEvents, a
# real EventBridge metric the canned list lacks, stays unknown.
_MISREMEMBERED = 0.6
# A metric the customer or an agent publishes is not the service's: it cannot be checked.
_OWN_METRICS = re.compile(
    r"\b(?:custom|your own|own metric|publish\w*|put-metric-data|PutMetricData|embedded metric"
    r"|EMF|Insights|agent|Prometheus|StatsD|metric filters?|application metric"
    r"|predefined|target tracking|target value|scaling polic\w*)\b",
    re.IGNORECASE,
)


def _check_unlisted_metrics(text: str, ticket: _Ticket, facts: FactBase) -> list[FactFinding]:
    """A name the reply calls a metric of a namespace whose metrics the fact base lists, that no
    namespace publishes but that is close to one of that namespace's metrics: a misremembered
    metric (``StatusCheckFailed_Network`` for EC2, ``CacheHitRatio`` for ElastiCache). A name
    close to none may be a metric the list lacks, so it is unknown, not wrong. The namespace is
    one the sentence names, else the product's; a service's name, a dimension and a custom metric
    are not checked."""
    found = []
    for name, sentence in extract.named_metrics(text):
        if name in facts.metric_namespaces or name in facts.dimensions:
            continue
        if name.lower() in _service_words() or _OWN_METRICS.search(sentence):
            continue
        named = [ns for ns in extract.namespaces(sentence) if ns in facts.metrics]
        product = sorted(ticket.product.namespaces) if ticket.product else []
        homes = named or [ns for ns in product if ns in facts.metrics]
        if not homes:
            continue  # no namespace whose metrics are known: cannot tell
        listed = {metric: ns for ns in homes for metric in facts.metrics[ns]}
        nearest = difflib.get_close_matches(name, listed, n=1, cutoff=_MISREMEMBERED)
        if not nearest:
            continue
        fact = (
            f"no metric named {name} in {', '.join(homes)}; {listed[nearest[0]]} has {nearest[0]}"
        )
        found.append(FactFinding(DetailKind.metric, name, fact, facts.metrics_source))
    return found


@cache
def _service_words() -> frozenset[str]:
    """The words of every service's names, lower-cased ("cloudwatch" in "the CloudWatch metric")."""
    names = (name for service in fact_base().services.values() for name in service.names)
    return frozenset(word.lower() for name in names for word in name.split())


def _segment(name: str) -> str:
    if name.startswith("/aws-glue/"):
        return "glue"
    parts = name.split("/")
    return parts[2].lower() if name.startswith("/aws/") and len(parts) > 2 else ""


def _check_log_groups(text: str, ticket: _Ticket, facts: FactBase) -> list[FactFinding]:
    found = []
    source = f"aws_docs {facts.docs_compiled} (log groups per service)"
    for name, sentence in extract.log_groups(text):
        owners = [
            s.key for s in facts.services.values() if any(p.match(name) for p in s.log_groups)
        ]
        if owners:
            attributed = set(owners) & _named_services(sentence, facts)
            if not attributed and not ticket.allows(owners, facts, evidence=True):
                fact = _other_product(f"the log group {name}", owners, ticket, facts)
                found.append(FactFinding(DetailKind.log_group, name, fact, source))
            continue
        for key in facts.by_log_segment.get(_segment(name), ()):
            service = facts.services[key]
            if service.log_group_patterns:
                written = ", ".join(service.log_group_patterns)
                fact = f"{service.name} writes log groups named {written}, not {name}"
            else:
                fact = f"{service.name} writes no log group of its own under /aws/{_segment(name)}/"
            found.append(FactFinding(DetailKind.log_group, name, fact, source))
            break
    return found


def _console_service(mention: extract.ConsoleMention, ticket: _Ticket, facts: FactBase):
    if mention.console is None:
        return ticket.product
    name = mention.console.lower()
    key = facts.by_name.get(name) or facts.by_name.get(re.sub(r"^(amazon|aws) ", "", name))
    return facts.services.get(key) if key else None


def _check_console_pages(text: str, ticket: _Ticket, facts: FactBase) -> list[FactFinding]:
    found = []
    source = f"aws_docs {facts.docs_compiled} (console pages per service)"
    for mention in extract.console_pages(text):
        owners = facts.page_owners.get(mention.page.lower())
        if not owners or len(owners) >= _GENERIC_PAGE_OWNERS or " " not in mention.page.strip():
            continue  # unknown, shared by many consoles, or one everyday word ("Summary")
        console = _console_service(mention, ticket, facts)
        if console is None or not console.console_pages or console.key in owners:
            continue
        if owners & _named_services(mention.sentence, facts):
            continue  # "the EC2 console's Auto Scaling Groups page" names its owner
        fact = f"'{mention.page}' is a page of the {_label(owners, facts)} console, not of the {console.name} console"
        found.append(FactFinding(DetailKind.console_page, mention.page, fact, source))
    return found


@cache
def _feature_pattern() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """Distinctive feature names only: two words or more, or a coined name ("SnapStart",
    "SPICE"); a single everyday word ("replication") names no one service's feature."""
    facts = fact_base()
    names = {
        name.lower()
        for service in facts.services.values()
        for name in service.feature_names
        if re.search(r"[\s@-]", name) or _coined(name)
    }
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ordered)) + r")(?![\w-])", re.I)
    return pattern, facts.feature_owners


def _coined(name: str) -> bool:
    """ "SnapStart", "UltraWarm", "SPICE": not "WCU" (DynamoDB's write capacity units as well as
    WAF's web ACL capacity units): acronyms of four letters or fewer mean several things."""
    if name.isupper():
        return len(name) > 4
    return any(ch.isupper() for ch in name[1:])


def _check_features(text: str, ticket: _Ticket, facts: FactBase) -> list[FactFinding]:
    if ticket.product is None:
        return []
    pattern, owners_of = _feature_pattern()
    found = []
    source = f"aws_docs {facts.docs_compiled} (features per service)"
    for match in pattern.finditer(text):
        owners = owners_of[match.group(1).lower()]
        if ticket.product.key in owners or ticket.allows(owners, facts):
            continue
        fact = f"'{match.group(1)}' is a feature of {_label(owners, facts)}, not of {ticket.product.name}"
        found.append(FactFinding(DetailKind.feature_owner, match.group(1), fact, source))
    return found
