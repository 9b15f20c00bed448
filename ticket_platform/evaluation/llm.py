"""LLM judges: any langchain chat model, with Bedrock (Converse API) as the production default.

``LangChainJudge`` asks for a ``Verdict`` either by a forced tool call (``method="tool"``, what
Bedrock, OpenAI, Anthropic and most chat models support) or as a JSON reply validated by pydantic
(``method="json"``, for models without tool calling). Transport errors are classified for the
runner: throttling, timeouts and 5xx are retryable; a reply that is not a valid verdict is not
(it is recorded and retried on the next run).
"""

import importlib
import re
from typing import Any, Literal

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from pydantic import ValidationError

from ticket_platform.contracts.bedrock import describe_client_error
from ticket_platform.evaluation.judge import (
    JudgeError,
    JudgeReply,
    JudgeReplyError,
    JudgeRequestError,
    JudgeUnavailableError,
)
from ticket_platform.evaluation.prompt import (
    JUDGE_PROMPT_VERSION,
    MAX_OUTPUT_TOKENS,
    judge_messages,
)
from ticket_platform.evaluation.rubric import EvaluationItem, Verdict

DEFAULT_BEDROCK_MODEL = "us.amazon.nova-pro-v1:0"
Method = Literal["tool", "json"]

# Exception class names of other providers' SDKs (openai, anthropic, httpx) worth retrying.
_TRANSIENT_NAMES = re.compile(r"RateLimit|Timeout|APIConnection|ServiceUnavailable|Overloaded")


class LangChainJudge:
    """A ``Judge`` backed by a langchain chat model."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        name: str,
        model_id: str,
        method: Method = "tool",
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.model_id = model_id
        self.calls_model = True
        self.method = method
        self._parameters = dict(parameters or {})
        self._model = model
        self._structured = (
            model.with_structured_output(Verdict, include_raw=True) if method == "tool" else None
        )

    def parameters(self) -> dict[str, Any]:
        return {"prompt_version": JUDGE_PROMPT_VERSION, "method": self.method, **self._parameters}

    def judge(self, item: EvaluationItem) -> JudgeReply:
        """The model's verdict on ``item``; raises a ``JudgeError`` subclass when there is none."""
        messages = judge_messages(item, self.method)
        try:
            if self._structured is not None:
                out = self._structured.invoke(messages)
                raw, verdict = out["raw"], out["parsed"]
                if out.get("parsing_error") is not None or not isinstance(verdict, Verdict):
                    detail = out.get("parsing_error") or "the model did not call the Verdict tool"
                    raise JudgeReplyError(f"reply is not a valid verdict: {_short(detail)}")
            else:
                raw = self._model.invoke(messages)
                verdict = Verdict.model_validate_json(_json_text(raw))
        except JudgeError:
            raise
        except (ValidationError, OutputParserException, ValueError) as error:
            raise JudgeReplyError(f"reply is not a valid verdict: {_short(error)}") from error
        except Exception as error:
            raise classify_error(error) from error
        input_tokens, output_tokens = _usage(raw)
        return JudgeReply(verdict, input_tokens, output_tokens)


def classify_error(error: Exception) -> JudgeError:
    """A provider error as a retryable ``JudgeUnavailableError`` or a final ``JudgeRequestError``."""
    if isinstance(error, ClientError):
        transient, message = describe_client_error(error)
        return JudgeUnavailableError(message) if transient else JudgeRequestError(message)
    if isinstance(error, BotoCoreError | TimeoutError | ConnectionError):
        return JudgeUnavailableError(f"{type(error).__name__}: {_short(error)}")
    status = getattr(error, "status_code", None)
    if _TRANSIENT_NAMES.search(type(error).__name__) or (
        isinstance(status, int) and (status == 429 or status >= 500)
    ):
        return JudgeUnavailableError(f"{type(error).__name__}: {_short(error)}")
    return JudgeRequestError(f"{type(error).__name__}: {_short(error)}")


def bedrock_judge(
    *,
    model_id: str = DEFAULT_BEDROCK_MODEL,
    temperature: float = 0.0,
    region_name: str | None = None,
    client: Any = None,
    read_timeout: int = 60,
) -> LangChainJudge:
    """The Bedrock judge (ChatBedrockConverse, temperature 0 by default, structured output).

    Retries belong to the evaluation runner (with backoff and jitter, counted per item), so the
    boto3 client makes one attempt per call.
    """
    from langchain_aws import ChatBedrockConverse

    if client is None:
        import boto3

        client = boto3.client(
            "bedrock-runtime",
            region_name=region_name,
            config=Config(read_timeout=read_timeout, retries={"max_attempts": 1}),
        )
    model = ChatBedrockConverse(
        model=model_id,
        temperature=temperature,
        max_tokens=MAX_OUTPUT_TOKENS,
        region_name=region_name or client.meta.region_name,
        client=client,
    )
    return LangChainJudge(
        model,
        name="bedrock",
        model_id=model_id,
        parameters={"temperature": temperature, "max_tokens": MAX_OUTPUT_TOKENS},
    )


def chat_model_judge(
    class_path: str, kwargs: dict[str, Any], *, model_id: str | None = None, method: Method = "tool"
) -> LangChainJudge:
    """A judge over any langchain chat model class, e.g. ``langchain_openai:ChatOpenAI`` with
    ``{"model": "gpt-4o-mini", "base_url": "http://localhost:8000/v1", "temperature": 0}``.
    """
    module_name, _, class_name = class_path.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"chat model {class_path!r} must be written as 'module:ClassName'")
    try:
        model_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise ValueError(
            f"cannot import chat model {class_path!r} ({error}); install its package first"
        ) from error
    if not (isinstance(model_class, type) and issubclass(model_class, BaseChatModel)):
        raise ValueError(f"{class_path!r} is not a langchain chat model class")
    model = model_class(**kwargs)
    resolved_id = model_id or str(
        kwargs.get("model") or kwargs.get("model_name") or kwargs.get("model_id") or class_name
    )
    parameters = {k: v for k, v in sorted(kwargs.items()) if _is_verdict_parameter(k)}
    return LangChainJudge(
        model, name="langchain", model_id=resolved_id, method=method, parameters=parameters
    )


def _is_verdict_parameter(name: str) -> bool:
    """Keyword arguments that change verdicts (and so the cache key); never secrets or URLs."""
    return name in {"temperature", "top_p", "top_k", "max_tokens", "seed", "model_kwargs"}


def _usage(message: Any) -> tuple[int, int]:
    usage = getattr(message, "usage_metadata", None) if isinstance(message, AIMessage) else None
    if not usage:
        return 0, 0
    return int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))


def _json_text(message: Any) -> str:
    """The JSON object in a reply, tolerating a code fence or a sentence around it."""
    text = message.content if isinstance(message, AIMessage) else str(message)
    if isinstance(text, list):  # content blocks
        text = "".join(part.get("text", "") for part in text if isinstance(part, dict))
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise JudgeReplyError(f"reply holds no JSON object: {_short(text)}")
    return text[start : end + 1]


def _short(error: object, limit: int = 400) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[:limit] + "…"
