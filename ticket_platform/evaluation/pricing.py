"""Estimated cost of model calls, from tokens and a price per 1,000 tokens.

The built-in prices are Amazon Bedrock's on-demand prices in us-east-1 (USD per 1,000 tokens,
as published for these models); set ``TICKET_JUDGE_PRICE_PER_1K="<input>,<output>"`` for any
other model or when prices change. A model without a known price records no cost, and a cost
budget cannot apply to it (the run says so).
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Price:
    input_per_1k: float
    output_per_1k: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_1k + output_tokens * self.output_per_1k) / 1000


BEDROCK_PRICES: dict[str, Price] = {
    "amazon.nova-pro-v1:0": Price(0.0008, 0.0032),
    "amazon.nova-lite-v1:0": Price(0.00006, 0.00024),
    "amazon.nova-micro-v1:0": Price(0.000035, 0.00014),
    "anthropic.claude-3-5-haiku-20241022-v1:0": Price(0.0008, 0.004),
    "anthropic.claude-3-5-sonnet-20241022-v2:0": Price(0.003, 0.015),
}

_INFERENCE_PROFILE_PREFIXES = ("us.", "eu.", "apac.", "us-gov.", "global.")


def price_of(model_id: str, override: Price | None = None) -> Price | None:
    """The price of ``model_id`` (cross-region prefixes such as ``us.`` ignored), if known."""
    if override is not None:
        return override
    prefix = next((p for p in _INFERENCE_PROFILE_PREFIXES if model_id.startswith(p)), "")
    return BEDROCK_PRICES.get(model_id.removeprefix(prefix))


def parse_price(text: str) -> Price:
    """``"0.0008,0.0032"`` -> ``Price(0.0008, 0.0032)``."""
    try:
        input_price, output_price = (float(part) for part in text.split(","))
    except ValueError as error:
        raise ValueError(
            f"price {text!r} must be '<input USD per 1k tokens>,<output USD per 1k tokens>'"
        ) from error
    if input_price < 0 or output_price < 0:
        raise ValueError(f"price {text!r} must not be negative")
    return Price(input_price, output_price)
