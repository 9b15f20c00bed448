"""Which ARNs ``bedrock:InvokeModel`` needs for a configured model id."""

from __future__ import annotations

# Prefixes of the system-defined cross-region inference profiles (us.amazon.nova-pro-v1:0).
INFERENCE_PROFILE_PREFIXES = frozenset({"us", "us-gov", "eu", "apac", "jp", "au", "ca", "global"})


def is_inference_profile(model_id: str) -> bool:
    """Whether ``model_id`` names a cross-region inference profile rather than a model."""
    return model_id.split(".", 1)[0] in INFERENCE_PROFILE_PREFIXES


def invoke_model_resources(
    model_id: str, *, partition: str, region: str, account: str
) -> list[str]:
    """The resources of ``bedrock:InvokeModel`` (Converse uses the same action) for ``model_id``.

    A foundation model is one ARN in ``region``. An inference profile needs the profile in
    ``region`` and its model in every region the profile routes requests to, which AWS chooses:
    hence the ``*`` region on the foundation-model ARN (the model id itself stays exact).
    """
    if not is_inference_profile(model_id):
        return [f"arn:{partition}:bedrock:{region}::foundation-model/{model_id}"]
    model = model_id.split(".", 1)[1]
    return [
        f"arn:{partition}:bedrock:{region}:{account}:inference-profile/{model_id}",
        f"arn:{partition}:bedrock:*::foundation-model/{model}",
    ]
