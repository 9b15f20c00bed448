"""The CDK app: ``cdk synth`` / ``cdk deploy`` run this file (cdk.json).

The real-time stack, and the batch stack beside it or alone (``batchStack=false|true|only``).

Configuration comes from cdk context and environment variables (see ``config.py`` and the
README); cdk-nag's AwsSolutions checks run over the whole app at synthesis.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script from infra_cdk/ (cdk.json): make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aws_cdk as cdk

from infra_cdk.bundling import REPO_ROOT, BundlingError
from infra_cdk.config import AppConfig, ConfigError, load_config
from infra_cdk.nag import add_checks
from infra_cdk.stacks import RealtimeResources, TicketBatchStack, TicketRealtimeStack

CDK_JSON = Path(__file__).resolve().with_name("cdk.json")


def stack_name(config: AppConfig) -> str:
    return f"TicketPlatform-{config.env_name}"


def batch_stack_name(config: AppConfig) -> str:
    return f"TicketPlatformBatch-{config.env_name}"


def realtime_resources(stack: TicketRealtimeStack) -> RealtimeResources:
    """The real-time stack's objects the batch stack uses (cross-stack references)."""
    warehouse = stack.node.find_child("Warehouse")
    return RealtimeResources(
        bucket=stack.node.find_child("Storage").bucket,  # type: ignore[attr-defined]
        alert_topic=stack.node.find_child("AlertTopic"),  # type: ignore[arg-type]
        alert_key=stack.node.find_child("AlertKey"),  # type: ignore[arg-type]
        warehouse_secret=warehouse.secret,  # type: ignore[attr-defined]
        batch_policy=warehouse.batch_policy,  # type: ignore[attr-defined]
        copy_role=warehouse.copy_role,  # type: ignore[attr-defined]
    )


def default_context() -> dict[str, Any]:
    """cdk.json's context (feature flags): the CLI passes it itself, tests get it from here."""
    return dict(json.loads(CDK_JSON.read_text(encoding="utf-8")).get("context", {}))


def build_app(
    context: Mapping[str, Any] | None = None,
    *,
    outdir: str | None = None,
    environ: Mapping[str, str] | None = None,
    source_root: Path = REPO_ROOT,
) -> cdk.App:
    """The app with its stacks and the cdk-nag checks, ready to ``synth()``.

    ``context`` adds cdk context (the CLI passes its own through the environment); ``environ``
    replaces ``os.environ`` as the source of environment settings.
    """
    # Context given here yields to the CLI's (-c, cdk.json), so cdk.json's flags are harmless twice.
    app = cdk.App(context={**default_context(), **(context or {})}, outdir=outdir)
    config = load_config(app.node.try_get_context, environ)
    env = (
        cdk.Environment(account=config.account, region=config.region)
        if config.account or config.region
        else None
    )
    realtime = None
    if config.batch_stack != "only":
        realtime = TicketRealtimeStack(
            app, stack_name(config), config=config, source_root=source_root, env=env
        )
    if config.batch_stack != "false":
        TicketBatchStack(
            app,
            batch_stack_name(config),
            config=config,
            realtime=realtime_resources(realtime) if realtime else None,
            env=env,
        )
    add_checks(app)
    return app


def main() -> None:
    try:
        app = build_app(environ=os.environ)
    except (ConfigError, BundlingError) as error:
        sys.exit(str(error))
    app.synth()


if __name__ == "__main__":
    main()
