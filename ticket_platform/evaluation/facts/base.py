"""The fact base: what exists in AWS, loaded once from the data files under ``facts/data``.

* ``aws_cli.json.gz``: the AWS CLI's command tree (every ``aws <service> <command>`` and its
  ``--options``), dumped from awscli, i.e. botocore's service models plus the CLI's own commands;
* ``cloudwatch_metrics.json``: metric names and dimensions per namespace, from aws-cdk-lib's
  canned metrics (generated from AWS's CloudWatch metrics specification);
* ``aws_docs.yaml``: compiled from AWS documentation: each product's namespaces, the metrics the
  canned ones lack, log groups, console pages, features, related services, and every other
  CloudWatch namespace AWS documents.

``MANIFEST.json`` records each file's source, version and build date; ``python -m
ticket_platform.evaluation.facts.build`` rebuilds the generated files.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

import yaml

DATA = files("ticket_platform.evaluation.facts") / "data"


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What the documentation says about one service (keyed like ``lambda``, ``ec2``)."""

    key: str
    names: tuple[str, ...]
    cli: tuple[str, ...]
    namespaces: frozenset[str]
    log_segments: frozenset[str]
    log_groups: tuple[re.Pattern[str], ...]
    log_group_patterns: tuple[str, ...]
    console_pages: frozenset[str]  # lower-cased
    features: frozenset[str]  # lower-cased
    feature_names: tuple[str, ...]  # as written: "SnapStart", "task definition"
    related: frozenset[str]
    components: frozenset[str]  # services it runs its own work on (rotation functions...)
    cross_cutting: bool
    sources: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class FactBase:
    cli_source: str
    cli_services: dict[str, dict[str, frozenset[str]]]
    cli_global_options: frozenset[str]
    metrics_source: str
    metrics: dict[str, frozenset[str]]  # namespace -> metric names
    metric_namespaces: dict[str, frozenset[str]]  # metric name -> namespaces
    docs_compiled: str
    services: dict[str, ServiceFacts]
    supporting: frozenset[str]
    by_name: dict[str, str]  # lower-cased service name -> key
    by_namespace: dict[str, tuple[str, ...]]
    by_log_segment: dict[str, tuple[str, ...]]
    page_owners: dict[str, frozenset[str]]  # lower-cased page -> keys
    feature_owners: dict[str, frozenset[str]]  # lower-cased feature -> keys
    # Every namespace AWS documents, lower-cased: the services', the canned metrics' and
    # aws_docs' `other_namespaces` (complete by intent, so an AWS/ namespace outside it is wrong).
    all_namespaces: frozenset[str] = frozenset()
    dimensions: frozenset[str] = frozenset()  # every dimension name of the canned metrics

    @property
    def version(self) -> str:
        """Recorded with every verdict: a new fact base may change verdicts."""
        return f"{self.cli_source}; {self.metrics_source}; aws_docs {self.docs_compiled}"

    def service_of_product(self, product: str) -> ServiceFacts | None:
        """The service a ticket's product names (``AWS Fargate`` -> ecs), or None."""
        key = self.by_name.get(product.strip().lower())
        return self.services.get(key) if key else None


def _pattern(template: str) -> re.Pattern[str]:
    """``/aws/lambda/{name}`` -> a regex matching whole log group names."""
    parts = re.split(r"(\{name\}|\{path\})", template)
    body = "".join(
        "[^/\\s]+" if part == "{name}" else ".+" if part == "{path}" else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{body}$", re.IGNORECASE)


def _service(key: str, row: dict) -> ServiceFacts:
    return ServiceFacts(
        key=key,
        names=tuple(row["names"]),
        cli=tuple(row.get("cli", [])),
        namespaces=frozenset(row.get("namespaces", [])),
        log_segments=frozenset(s.lower() for s in row.get("log_segments", [])),
        log_groups=tuple(_pattern(p) for p in row.get("log_groups", [])),
        log_group_patterns=tuple(row.get("log_groups", [])),
        console_pages=frozenset(p.lower() for p in row.get("console_pages", [])),
        features=frozenset(f.lower() for f in row.get("features", [])),
        feature_names=tuple(row.get("features", [])),
        related=frozenset(row.get("related", [])),
        components=frozenset(row.get("components", [])),
        cross_cutting=bool(row.get("cross_cutting", False)),
        sources=tuple(row.get("sources", [])),
    )


def _index(services: dict[str, ServiceFacts], attribute: str) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for key, service in services.items():
        for value in getattr(service, attribute):
            index.setdefault(value, []).append(key)
    return {value: tuple(keys) for value, keys in index.items()}


def _symmetric(services: dict[str, ServiceFacts]) -> dict[str, ServiceFacts]:
    """``related`` made symmetric: if Lambda lists SQS, SQS tickets may use Lambda details."""
    related = {key: set(service.related) for key, service in services.items()}
    for key, service in services.items():
        for other in service.related:
            related.setdefault(other, set()).add(key)
    return {
        key: replace(service, related=frozenset(related[key] & services.keys()))
        for key, service in services.items()
    }


@cache
def fact_base() -> FactBase:
    """The fact base, loaded on first use (about 0.2 s) and shared by every check."""
    cli = json.loads(gzip.decompress((DATA / "aws_cli.json.gz").read_bytes()))
    metrics = json.loads((DATA / "cloudwatch_metrics.json").read_text(encoding="utf-8"))
    docs = yaml.load(
        (DATA / "aws_docs.yaml").read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    services = _symmetric({key: _service(key, row) for key, row in docs["services"].items()})
    merged: dict[str, set[str]] = {ns: set(names) for ns, names in metrics["namespaces"].items()}
    for row in docs["services"].values():
        for namespace, names in (row.get("metrics") or {}).items():
            merged.setdefault(namespace, set()).update(names)
    namespaces = {ns: frozenset(names) for ns, names in merged.items()}
    metric_namespaces: dict[str, set[str]] = {}
    for namespace, names in namespaces.items():
        for name in names:
            metric_namespaces.setdefault(name, set()).add(namespace)
    by_name = {name.lower(): key for key, s in services.items() for name in s.names}
    by_namespace = _index(services, "namespaces")
    every_namespace = {*namespaces, *by_namespace, *docs.get("other_namespaces", [])}
    return FactBase(
        cli_source=f"awscli {cli['awscli']} (botocore {cli['botocore']})",
        cli_services={
            service: {command: frozenset(options) for command, options in commands.items()}
            for service, commands in cli["services"].items()
        },
        cli_global_options=frozenset(cli["global_options"]),
        metrics_source=f"{metrics['source']} + aws_docs metrics",
        metrics=namespaces,
        metric_namespaces={name: frozenset(ns) for name, ns in metric_namespaces.items()},
        docs_compiled=str(docs["compiled"]),
        services=services,
        supporting=frozenset(docs.get("supporting_services", [])),
        by_name=by_name,
        by_namespace=by_namespace,
        by_log_segment=_index(services, "log_segments"),
        page_owners={p: frozenset(k) for p, k in _index(services, "console_pages").items()},
        feature_owners={f: frozenset(k) for f, k in _index(services, "features").items()},
        all_namespaces=frozenset(ns.lower() for ns in every_namespace),
        dimensions=frozenset(
            name
            for metrics_of_namespace in metrics["namespaces"].values()
            for dimension_sets in metrics_of_namespace.values()
            for dimension_set in dimension_sets
            for name in dimension_set
        ),
    )
