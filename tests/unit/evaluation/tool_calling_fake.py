"""A chat model that answers every call with a tool call, for tests of structured-output judges.

langchain's fake chat models cannot ``with_structured_output``; this one can: ``bind_tools``
returns a copy bound to the tool's name (sharing the call log), and each call answers with the
arguments ``answer(tool_name, messages)`` returns, or raises the exception it returns. Unbound
(a judge with ``method="json"``), it answers the same arguments as JSON text, naming the tool
after the title of the JSON schema the prompt asks for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

Answer = Callable[[str, list[BaseMessage]], dict[str, Any] | Exception]


class ToolCallingFake(BaseChatModel):
    answer: Any  # Answer
    # tool -> (input tokens or a function of the messages, output tokens)
    usage: dict[str, tuple[Any, int]] = Field(default_factory=dict)
    calls: list[tuple[str, list[BaseMessage]]] = Field(default_factory=list)
    tool: str | None = None

    @property
    def _llm_type(self) -> str:
        return "tool-calling-fake"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFake:  # type: ignore[override]
        name = convert_to_openai_tool(tools[0])["function"]["name"]
        return self.model_copy(update={"tool": name})  # shallow: the call log is shared

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any
    ) -> ChatResult:
        tool = self.tool or _schema_title(messages)
        self.calls.append((tool, list(messages)))
        outcome = self.answer(tool, messages)
        if isinstance(outcome, Exception):
            raise outcome
        input_tokens, output_tokens = self.usage.get(tool, (100, 20))
        if callable(input_tokens):  # usage computed from the prompt
            input_tokens, output_tokens = input_tokens(messages), output_tokens
        calls = [{"name": tool, "args": outcome, "id": f"call_{len(self.calls)}"}]
        message = AIMessage(
            content="" if self.tool else json.dumps(outcome),
            tool_calls=calls if self.tool else [],
            usage_metadata={
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


def prompt_text(messages: list[BaseMessage]) -> str:
    """Every message's text, joined."""
    return "\n".join(str(message.content) for message in messages)


def _schema_title(messages: list[BaseMessage]) -> str:
    """The schema a JSON-method prompt asks for: its last top-level ``"title"``."""
    titles = re.findall(r'^ "title": "(\w+)"', prompt_text(messages), re.MULTILINE)
    return titles[-1] if titles else "none"
