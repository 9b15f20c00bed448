"""CloudWatch metric names and dimensions per namespace, from aws-cdk-lib's canned metrics.

aws-cdk-lib ships, per service, ``*-canned-metrics.generated.js`` (and ``.d.ts``) files that its
build generates from AWS's CloudWatch metrics specification: ``LambdaMetrics.errorsSum({FunctionName})``
returns ``{namespace: "AWS/Lambda", metricName: "Errors", ...}``. They are read here out of the
jsii tarball installed with the ``aws-cdk-lib`` Python package, so no network is needed. The
canned metrics are the commonly used ones, not every metric a service publishes: a metric missing
from them is unknown, not wrong (the checks treat it so).
"""

import re
import tarfile
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

_METHOD = re.compile(
    r'static (\w+)\(dimensions\)\{return\{namespace:"([^"]+)",metricName:"([^"]+)"'
)
_SIGNATURE = re.compile(r"static (\w+)\(this: void, dimensions: \{([^}]*)\}\)")
_DIMENSION = re.compile(r"(\w+): string;")


def cdk_tarball() -> Path:
    """The aws-cdk-lib jsii tarball installed with the Python package."""
    import aws_cdk

    found = sorted((Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz"))
    if not found:
        raise FileNotFoundError(
            "aws-cdk-lib's jsii tarball is not installed (pip install aws-cdk-lib)"
        )
    return found[-1]


def canned_metrics(tarball: Path | None = None) -> dict:
    """``{"source": ..., "namespaces": {namespace: {metric: [[dimension, ...], ...]}}}``."""
    tarball = tarball or cdk_tarball()
    # Keyed by (file stem, method): cpuUtilizationAverage exists in EC2Metrics, RDSMetrics...
    methods: dict[tuple[str, str], tuple[str, str]] = {}
    signatures: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name
            if "canned-metrics" not in name or not name.endswith((".js", ".d.ts")):
                continue
            text = archive.extractfile(member).read().decode("utf-8")
            stem = name.removesuffix(".d.ts").removesuffix(".js")
            if name.endswith(".d.ts"):
                for method, body in _SIGNATURE.findall(text):
                    signatures[stem, method].add(tuple(sorted(_DIMENSION.findall(body))))
            else:
                for method, namespace, metric in _METHOD.findall(text):
                    methods[stem, method] = (namespace, metric)
    namespaces: dict[str, dict[str, set[tuple[str, ...]]]] = defaultdict(lambda: defaultdict(set))
    for key, (namespace, metric) in methods.items():
        namespaces[namespace][metric].update(signatures.get(key, set()))
    return {
        "source": f"aws-cdk-lib {version('aws-cdk-lib')} canned metrics ({tarball.name})",
        "namespaces": {
            namespace: {metric: sorted(map(list, dims)) for metric, dims in sorted(metrics.items())}
            for namespace, metrics in sorted(namespaces.items())
        },
    }
