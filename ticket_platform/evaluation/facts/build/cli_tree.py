"""Dump the AWS CLI's command tree as JSON on stdout (run by the fact base build).

Runs under a Python that has ``awscli`` installed and nothing of this project: the build
(``python -m ticket_platform.evaluation.facts.build``) calls it with ``.venv-tools/awscli``'s
interpreter. The tree is the CLI's own: botocore's service models with the CLI's renames
(``s3api``, ``configservice``, ``deploy``...) and its customizations (``aws s3 cp``,
``aws ecr get-login-password``, ``wait``...), every command with its ``--options``.
"""

import json
import sys


def command_tree() -> dict:
    import awscli
    import botocore
    from awscli.clidriver import create_clidriver

    driver = create_clidriver()
    services: dict[str, dict[str, list[str]]] = {}
    for service_name, service in sorted(driver._get_command_table().items()):
        if hasattr(service, "_get_command_table"):
            commands = service._get_command_table()
        else:
            commands = getattr(service, "subcommand_table", {}) or {}
        services[service_name] = {
            name: sorted(getattr(command, "arg_table", {}) or {})
            for name, command in sorted(commands.items())
        }
    return {
        "awscli": awscli.__version__,
        "botocore": botocore.__version__,
        "global_options": sorted(driver._get_argument_table()),
        "services": services,
    }


if __name__ == "__main__":
    json.dump(command_tree(), sys.stdout, separators=(",", ":"))
