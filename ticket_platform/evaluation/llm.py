"""LLM judges: any langchain chat model, with Bedrock (Converse API) as the production default.

``LangChainJudge`` asks for a ``Verdict`` either by a forced tool call (``method="tool"``, what
Bedrock, OpenAI, Anthropic and most chat models support) or as a JSON reply validated by pydantic
(``method="json"``, for models without tool calling). The prompt is grounded: it carries what the
fact base proved wrong in the reply (``evidence``, by default ``facts.check_reply``).

With ``decompose_accuracy`` the judge also checks technical accuracy claim by claim
(``claims.py``): one call extracts the reply's technical claims (at most ``max_claims``), one call
per claim verifies it, and technical_accuracy fails when a claim is wrong or a finding exists.
Calls that succeeded are kept across the runner's retries of the same item, so a throttled call
never repeats (nor pays for) the calls before it.

Transport errors are classified for the runner: throttling, timeouts and 5xx are retryable; a
reply that is not a valid verdict is not (it is recorded and retried on the next run). Every
error carries what the item already cost (``input_tokens``, ``output_tokens``, ``model_calls``).
"""

import functools
import importlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel, ValidationError

from ticket_platform.contracts.bedrock import describe_client_error
from ticket_platform.evaluation.claims import (
    MAX_CLAIMS,
    CheckedClaim,
    ClaimCheck,
    MultiCallReply,
    TechnicalClaims,
    accuracy_verdict,
    with_accuracy,
)
from ticket_platform.evaluation.claims_prompt import (
    CLAIMS_PROMPT_VERSION,
    extract_input_tokens,
    extract_messages,
    verify_input_tokens,
    verify_messages,
)
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
    estimated_input_tokens,
    judge_messages,
)
from ticket_platform.evaluation.rubric import EvaluationItem, Verdict

if TYPE_CHECKING:
    from ticket_platform.evaluation.facts.findings import FactFinding

DEFAULT_BEDROCK_MODEL = "us.amazon.nova-pro-v1:0"
Method = Literal["tool", "json"]
Evidence = Callable[[EvaluationItem], Sequence["FactFinding"]]
Answer = TypeVar("Answer", bound=BaseModel)

# Exception class names of other providers' SDKs (openai, anthropic, httpx) worth retrying.
_TRANSIENT_NAMES = re.compile(r"RateLimit|Timeout|APIConnection|ServiceUnavailable|Overloaded")


def fact_check_evidence(item: EvaluationItem) -> list["FactFinding"]:
    """The fact base's findings on ``item``'s reply (imported on first use)."""
    from ticket_platform.evaluation.facts import check_reply

    return check_reply(item.response_text, item.product, f"{item.subject}\n{item.description}")


@dataclass
class _Progress:
    """One item's calls so far: what they answered and what they cost."""

    verdict: Verdict | None = None
    claims: TechnicalClaims | None = None
    checked: list[CheckedClaim] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    model_calls: int = 0  # calls that returned a valid answer


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
        evidence: Evidence = fact_check_evidence,
        decompose_accuracy: bool = False,
        max_claims: int = MAX_CLAIMS,
    ) -> None:
        if max_claims < 1:
            raise ValueError(f"max_claims must be at least 1, not {max_claims}")
        self.name = name
        self.model_id = model_id
        self.calls_model = True
        self.method = method
        self.decompose_accuracy = decompose_accuracy
        self.max_claims = max_claims
        self._parameters = dict(parameters or {})
        self._model = model
        # The runner estimates an item's cost before judging it: both need the same findings.
        self._evidence = functools.lru_cache(maxsize=256)(evidence)
        schemas = (Verdict, TechnicalClaims, ClaimCheck) if decompose_accuracy else (Verdict,)
        self._structured = (
            {s: model.with_structured_output(s, include_raw=True) for s in schemas}
            if method == "tool"
            else {}
        )
        self._unfinished: dict[tuple[str, str], _Progress] = {}
        self._lock = threading.Lock()

    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "prompt_version": JUDGE_PROMPT_VERSION,
            "method": self.method,
            "decompose_accuracy": self.decompose_accuracy,
        }
        if self.decompose_accuracy:
            params.update(claims_prompt_version=CLAIMS_PROMPT_VERSION, max_claims=self.max_claims)
        if self._evidence.__wrapped__ is fact_check_evidence:
            from ticket_platform.evaluation.facts.base import fact_base

            params["fact_base"] = fact_base().version  # a new fact base re-evaluates
        return {**params, **self._parameters}

    def worst_case_usage(self, item: EvaluationItem) -> tuple[int, int, int]:
        """The most (input tokens, output tokens, model calls) judging ``item`` can take: the
        runner reserves this much budget before the first call."""
        try:
            findings = self.findings(item)
        except JudgeError:
            findings = ()  # judge() raises the same error before any model call
        input_tokens = estimated_input_tokens(item, findings)
        if not self.decompose_accuracy:
            return input_tokens, MAX_OUTPUT_TOKENS, 1
        calls = 2 + self.max_claims
        input_tokens += extract_input_tokens(item, self.max_claims)
        input_tokens += self.max_claims * verify_input_tokens(item, findings)
        return input_tokens, calls * MAX_OUTPUT_TOKENS, calls

    def findings(self, item: EvaluationItem) -> tuple["FactFinding", ...]:
        """The fact check's findings on ``item``'s reply; a ``JudgeRequestError`` if it fails."""
        try:
            return tuple(self._evidence(item))
        except Exception as error:
            raise JudgeRequestError(f"fact check failed: {_short(error)}") from error

    def judge(self, item: EvaluationItem) -> JudgeReply:
        """The model's verdict on ``item``; raises a ``JudgeError`` subclass when there is none."""
        key = (item.ticket_id, item.content_hash())
        with self._lock:
            progress = self._unfinished.pop(key, None) or _Progress()
        try:
            findings = self.findings(item)
            reply = self._judge(item, findings, progress)
        except JudgeError as error:
            error.input_tokens = progress.input_tokens  # type: ignore[attr-defined]
            error.output_tokens = progress.output_tokens  # type: ignore[attr-defined]
            error.model_calls = progress.model_calls  # type: ignore[attr-defined]
            if error.retryable:  # the runner may retry: resume from here, paying nothing twice
                with self._lock:
                    self._unfinished[key] = progress
            raise
        return reply

    def _judge(
        self, item: EvaluationItem, findings: Sequence["FactFinding"], progress: _Progress
    ) -> JudgeReply:
        if progress.verdict is None:
            progress.verdict = self._ask(
                Verdict, judge_messages(item, self.method, findings), progress
            )
        if not self.decompose_accuracy:
            return JudgeReply(progress.verdict, progress.input_tokens, progress.output_tokens)
        if progress.claims is None:
            progress.claims = self._ask(
                TechnicalClaims, extract_messages(item, self.method, self.max_claims), progress
            )
        for claim in progress.claims.claims[len(progress.checked) : self.max_claims]:
            check = self._ask(
                ClaimCheck, verify_messages(item, claim, findings, self.method), progress
            )
            progress.checked.append(CheckedClaim(claim, check))
        accuracy = accuracy_verdict(
            progress.checked, findings, whole_reply=progress.verdict.technical_accuracy
        )
        return MultiCallReply(
            with_accuracy(progress.verdict, accuracy),
            progress.input_tokens,
            progress.output_tokens,
            model_calls=progress.model_calls,
            claims=tuple(progress.checked),
        )

    def _ask(
        self, schema: type[Answer], messages: list[BaseMessage], progress: _Progress
    ) -> Answer:
        """One model call answered with ``schema``; its tokens are added to ``progress``."""
        what = _ANSWER_NAMES.get(schema, schema.__name__)
        try:
            if self.method == "tool":
                out = self._structured[schema].invoke(messages)
                _add_usage(progress, out["raw"])
                answer = out["parsed"]
                if out.get("parsing_error") is not None or not isinstance(answer, schema):
                    detail = (
                        out.get("parsing_error")
                        or f"the model did not call the {schema.__name__} tool"
                    )
                    raise JudgeReplyError(f"reply is not a valid {what}: {_short(detail)}")
            else:
                raw = self._model.invoke(messages)
                _add_usage(progress, raw)
                answer = schema.model_validate_json(_json_text(raw))
        except JudgeError:
            raise
        except (ValidationError, OutputParserException, ValueError) as error:
            raise JudgeReplyError(f"reply is not a valid {what}: {_short(error)}") from error
        except Exception as error:
            raise classify_error(error) from error
        progress.model_calls += 1
        return answer


_ANSWER_NAMES = {Verdict: "verdict", TechnicalClaims: "list of claims", ClaimCheck: "claim check"}


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
    decompose_accuracy: bool = False,
    max_claims: int = MAX_CLAIMS,
    evidence: Evidence = fact_check_evidence,
) -> LangChainJudge:
    """The Bedrock judge (ChatBedrockConverse, temperature 0 by default, structured output).

    Retries belong to the evaluation runner (with backoff and jitter, counted per item), so the
    boto3 client makes one attempt per call. ``decompose_accuracy`` adds the claim-by-claim
    technical accuracy check (up to ``2 + max_claims`` calls per item).
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
        evidence=evidence,
        decompose_accuracy=decompose_accuracy,
        max_claims=max_claims,
    )


def chat_model_judge(
    class_path: str,
    kwargs: dict[str, Any],
    *,
    model_id: str | None = None,
    method: Method = "tool",
    decompose_accuracy: bool = False,
    max_claims: int = MAX_CLAIMS,
    evidence: Evidence = fact_check_evidence,
) -> LangChainJudge:
    """A judge over any langchain chat model class, e.g. ``langchain_openai:ChatOpenAI`` with
    ``{"model": "gpt-4o-mini", "base_url": "http://localhost:8000/v1", "temperature": 0}``;
    ``decompose_accuracy`` adds the claim-by-claim technical accuracy check.
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
        model,
        name="langchain",
        model_id=resolved_id,
        method=method,
        parameters=parameters,
        evidence=evidence,
        decompose_accuracy=decompose_accuracy,
        max_claims=max_claims,
    )


def _is_verdict_parameter(name: str) -> bool:
    """Keyword arguments that change verdicts (and so the cache key); never secrets or URLs."""
    return name in {"temperature", "top_p", "top_k", "max_tokens", "seed", "model_kwargs"}


def _add_usage(progress: _Progress, message: Any) -> None:
    usage = getattr(message, "usage_metadata", None) if isinstance(message, AIMessage) else None
    if usage:
        progress.input_tokens += int(usage.get("input_tokens", 0))
        progress.output_tokens += int(usage.get("output_tokens", 0))


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
