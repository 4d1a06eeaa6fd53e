"""The prompt files of the model writer (`prompts/<version>/<lang>/`), as LangChain templates.

A prompt is three messages: the rules (`system.txt`), the draft's shared context
(`context.txt`: company, assessment and plan, goals and notes, numbered sources) and the
section's request (`section.txt`). The first two are the same for every section of a draft,
so providers' automatic prompt caching serves them after the first call. `messages.yaml`
holds the words the writer adds itself: source and notes headings, re-asks.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from langchain_core.prompts import ChatPromptTemplate

from dih_ai.errors import ConfigError
from dih_ai.resources import prompts_dir
from dih_ai.vocab import Language

DEFAULT_VERSION = "v2"
_DELIMITERS = re.compile(r"</?\s*(dati|data|fonti|sources|note|notes|scritte|written)\s*>", re.I)


@dataclass(frozen=True)
class SectionSpec:
    """What one section must cover, and whether the sources' passages are sent with it."""

    cover: str
    passages: bool = False
    data: tuple[str, ...] = ()  # plan details sent with it: initiatives, funding, ai_act


@dataclass(frozen=True)
class PromptSet:
    """The templates and section guidance of one prompt version and language."""

    version: str
    language: Language
    template: ChatPromptTemplate
    sections: dict[str, SectionSpec]
    messages: dict[str, str]  # `messages.yaml`: headings and re-asks the writer adds

    def say(self, key: str, **values: object) -> str:
        """A phrase of `messages.yaml`, its `{fields}` filled in."""
        return self.messages[key].format(**values)

    @property
    def guidance(self) -> dict[str, str]:
        """What each section must cover."""
        return {k: v.cover for k, v in self.sections.items()}


def as_data(text: str) -> str:
    """Untrusted text made safe to put between the prompt's delimiters (they cannot be closed)."""
    return _DELIMITERS.sub("", text)


@functools.cache
def prompt_version(version: str = DEFAULT_VERSION, folder: str | None = None) -> str:
    """`<version>+<digest of the files>`: any edit to a prompt changes it."""
    root = Path(folder) if folder else prompts_dir()
    digest = hashlib.sha256()
    for path in sorted((root / version).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{version}+{digest.hexdigest()[:8]}"


def _spec(value: object) -> SectionSpec:
    if isinstance(value, dict):
        return SectionSpec(
            str(value["cover"]),
            bool(value.get("passages", False)),
            tuple(str(d) for d in value.get("data") or ()),
        )
    return SectionSpec(str(value))


@functools.cache
def load_prompts(
    language: Language,
    version: str = DEFAULT_VERSION,
    folder: str | None = None,
    kind: str = "roadmap",
) -> PromptSet:
    """Load `prompts/<version>/<language>/` as a chat template and section guidance.

    `kind="deep_dive"` takes the system prompt and guidance from the `deep_dive/` subfolder
    and shares the context and section templates."""
    base = (Path(folder) if folder else prompts_dir()) / version / language
    own = base / "deep_dive" if kind == "deep_dive" else base
    try:
        system = (own / "system.txt").read_text(encoding="utf-8")
        context = (base / "context.txt").read_text(encoding="utf-8")
        section = (base / "section.txt").read_text(encoding="utf-8")
        guidance = yaml.safe_load((own / "sections.yaml").read_text(encoding="utf-8"))
        messages = yaml.safe_load((base / "messages.yaml").read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"prompt files missing in {base}: {exc.strerror}") from None
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"{own}: not valid section guidance or messages ({exc})") from None
    template = ChatPromptTemplate.from_messages(
        [("system", system), ("human", context), ("human", section)]
    )
    return PromptSet(
        version=prompt_version(version, folder),
        language=language,
        template=template,
        sections={k: _spec(v) for k, v in dict(guidance).items()},
        messages={str(k): str(v) for k, v in dict(messages).items()},
    )


def say(language: Language, key: str, **values: object) -> str:
    """A model-facing phrase of the default prompts' `messages.yaml` in `language`."""
    return load_prompts(language).say(key, **values)
