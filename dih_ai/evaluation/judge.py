"""Optional LLM judge: a written rubric (`prompts/judge/v1.txt`), temperature 0, scores 1-5
for faithfulness, specificity and actionability. The judge's model is recorded in the run."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from dih_ai.config import Settings
from dih_ai.draft import RoadmapDraft
from dih_ai.resources import prompts_dir
from dih_ai.writers.llm import chat_model, tracing
from dih_ai.writers.prompts import as_data


class Verdict(BaseModel):
    """The judge's scores."""

    faithfulness: int = Field(ge=1, le=5)
    specificity: int = Field(ge=1, le=5)
    actionability: int = Field(ge=1, le=5)
    rationale: str = ""


class LLMJudge:
    """Scores a draft against its reference with a chat model."""

    def __init__(self, settings: Settings, model: Any = None) -> None:
        self.settings = settings.model_copy(update={"temperature": 0.0})
        self.model_name = self.settings.azure_deployment or self.settings.model
        self._chat = model or chat_model(self.settings)
        self.rubric = (prompts_dir() / "judge" / "v1.txt").read_text(encoding="utf-8")

    def score(self, draft: RoadmapDraft, reference: Any) -> dict[str, float]:
        """Scores for one draft (a dict: faithfulness, specificity, actionability)."""
        from langchain_core.prompts import PromptTemplate

        def text(sections: list[Any]) -> str:
            return as_data("\n\n".join(f"## {s.title}\n{s.markdown}" for s in sections))

        prompt = PromptTemplate.from_template(self.rubric)
        chain = prompt | self._chat.with_structured_output(
            Verdict, method=self.settings.resolved_method()
        )
        with tracing(self.settings):
            verdict = chain.invoke(
                {"reference": text(reference.sections), "draft": text(draft.sections)}
            )
        assert isinstance(verdict, Verdict)
        return verdict.model_dump(include={"faithfulness", "specificity", "actionability"})
