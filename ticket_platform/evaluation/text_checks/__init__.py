"""Text checks behind the offline ``rules`` judge: pure functions, no model, no Dagster.

Each function implements one observable part of a rubric criterion, as far as text analysis can
honestly go, one module per concern:

* ``tone`` — contractions, exclamation marks, emojis, slang, and polite markers;
* ``steps`` — actionable guidance: steps (list items under an instruction intro, or imperative
  sentences), which of them are *specific*, and the requests for information that are not steps;
* ``products`` and ``problem`` — contextual relevance: whether the product is named (from the
  judge's own vocabulary file) and the problem is restated;
* ``safety`` with ``products.service_terms`` — technical accuracy: service vocabulary of the product
  and unsafe advice (facts are not checked);
* ``steering`` — text addressed to an evaluator rather than to a customer or a support engineer.

Code spans (```` `...` ````) are left out of the tone and step-wording checks (a command is not
prose: ``!=`` is not an exclamation mark), but not out of the unsafe-advice and steering checks.
"""

from ticket_platform.evaluation.text_checks.problem import (
    ProblemMatch,
    content_words,
    problem_match,
)
from ticket_platform.evaluation.text_checks.products import (
    catalog_product,
    product_mention,
    product_names,
    service_terms,
    short_product,
)
from ticket_platform.evaluation.text_checks.prose import CODE_SPAN, prose
from ticket_platform.evaluation.text_checks.safety import unsafe_advice
from ticket_platform.evaluation.text_checks.steering import steering_signals
from ticket_platform.evaluation.text_checks.steps import (
    Step,
    extract_steps,
    generic_wording,
    info_requests,
    is_command_line,
    is_instruction,
    is_request,
    step_markers,
)
from ticket_platform.evaluation.text_checks.tone import (
    contractions,
    emojis,
    exclamation_marks,
    polite_markers,
    slang,
    tone_problems,
)

__all__ = [
    "CODE_SPAN",
    "ProblemMatch",
    "Step",
    "catalog_product",
    "content_words",
    "contractions",
    "emojis",
    "exclamation_marks",
    "extract_steps",
    "generic_wording",
    "info_requests",
    "is_command_line",
    "is_instruction",
    "is_request",
    "polite_markers",
    "problem_match",
    "product_mention",
    "product_names",
    "prose",
    "service_terms",
    "short_product",
    "slang",
    "steering_signals",
    "step_markers",
    "tone_problems",
    "unsafe_advice",
]
