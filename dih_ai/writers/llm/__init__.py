"""The model writer (LangChain over ChatOpenAI, Azure OpenAI or any OpenAI-compatible server).

- `chat`: the chat model for the settings, the tracing guard;
- `pricing`: list prices, cached input, the Batch API discount;
- `blocks`: the prompt blocks of a document (company, plan, notes, sources, passages);
- `checks`: the rules every answer must pass, and the last-resort repair;
- `job`: a document to write section by section, the answer schema, the call limiter;
- `budget`: the calls planned before anything is sent, the tally of a document's usage;
- `writer`: `LLMWriter`, which writes the sections concurrently under those rules.
"""

from dih_ai.errors import BudgetError
from dih_ai.writers.llm.blocks import PromptBlocks, source_text
from dih_ai.writers.llm.budget import CallPlan, cacheable
from dih_ai.writers.llm.chat import chat_model, tracing
from dih_ai.writers.llm.job import CallLimiter, Prefilled, Reply, SectionAnswer, SectionJob
from dih_ai.writers.llm.pricing import BATCH_DISCOUNT, call_usage, cost_usd, model_price, price_of
from dih_ai.writers.llm.writer import LLMWriter, WrittenSections

__all__ = [
    "BATCH_DISCOUNT",
    "BudgetError",
    "CallLimiter",
    "CallPlan",
    "LLMWriter",
    "Prefilled",
    "PromptBlocks",
    "Reply",
    "SectionAnswer",
    "SectionJob",
    "WrittenSections",
    "cacheable",
    "call_usage",
    "chat_model",
    "cost_usd",
    "model_price",
    "price_of",
    "source_text",
    "tracing",
]
