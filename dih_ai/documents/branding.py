"""The hub's look: one small YAML file (name, logo, colours, footer, contact) read by every
document format. The bundled `dih_ai/data/branding.yaml` is neutral; `DIH_AI_BRANDING` (or
`--branding`) names a hub's own file. See docs/branding.md."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from dih_ai.config import current
from dih_ai.errors import InputError, Problem
from dih_ai.resources import DATA_DIR

MAX_LOGO_BYTES = 2_000_000
LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Line = Annotated[str, StringConstraints(max_length=300, strip_whitespace=True)]


class Colours(BaseModel):
    """The two colours of the documents, as #rrggbb."""

    model_config = ConfigDict(extra="forbid")

    primary: Colour = "#3b6ea5"
    accent: Colour = "#e0a800"


class Branding(BaseModel):
    """A hub's name, logo, colours, footer and contact, as every format shows them."""

    model_config = ConfigDict(extra="forbid")

    name: Line | None = None
    logo: str | None = Field(default=None, description="a PNG, JPEG or SVG file")
    colors: Colours = Field(default_factory=Colours)
    footer: Line | None = None
    contact: Line | None = None
    logo_bytes: bytes | None = Field(default=None, exclude=True, repr=False)

    @property
    def logo_type(self) -> str | None:
        """The logo's media type, or None without a logo."""
        return LOGO_TYPES[Path(self.logo).suffix.lower()] if self.logo else None

    def logo_data_uri(self) -> str | None:
        """The logo as a data: URI, so that an HTML page stays one self-contained file."""
        if not self.logo_bytes:
            return None
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo_bytes).decode()}"

    def foot(self) -> str:
        """The footer line: footer text and contact, as given."""
        return " · ".join(p for p in (self.footer, self.contact) if p)

    def tint(self, amount: float = 0.88) -> str:
        """The primary colour mixed with white (`amount` of white): table headers."""
        rgb = [int(self.colors.primary[i : i + 2], 16) for i in (1, 3, 5)]
        return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


def load_branding(path: str | Path | None = None) -> Branding:
    """The branding in `path`, else in `$DIH_AI_BRANDING`, else the neutral default.
    A bad file is an `InputError` naming the file and the field."""
    chosen = path or current().branding or DATA_DIR / "branding.yaml"
    return _load(Path(chosen))


def _load(path: Path) -> Branding:
    import yaml

    source = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise InputError(
            [Problem(source, "", f"{error.strerror}; expected a branding YAML")]
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise InputError(
            [Problem(source, "", "not valid YAML; expected a branding file")]
        ) from None
    if not isinstance(data, dict):
        raise InputError([Problem(source, "", "expected a mapping (name, logo, colors, ...)")])
    data.pop("logo_bytes", None)
    try:
        branding = Branding.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(source, ".".join(str(p) for p in err["loc"]), _expected(err))
            for err in exc.errors()
        ]
        raise InputError(problems) from None
    if branding.logo:
        logo = path.parent / branding.logo
        if logo.suffix.lower() not in LOGO_TYPES:
            raise InputError([Problem(source, "logo", "expected a .png, .jpg or .svg file")])
        try:
            content = logo.read_bytes()
        except OSError as error:
            raise InputError(
                [Problem(source, "logo", f"{logo}: {error.strerror}; expected an image file")]
            ) from None
        if len(content) > MAX_LOGO_BYTES:
            raise InputError([Problem(source, "logo", "larger than 2 MB; expected a small logo")])
        if not _looks_like(content, logo.suffix.lower()):
            raise InputError([Problem(source, "logo", f"{logo.name} is not a {logo.suffix} image")])
        branding.logo_bytes = content
    return branding


def _looks_like(content: bytes, suffix: str) -> bool:
    if suffix == ".png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return content.startswith(b"\xff\xd8")
    return b"<svg" in content[:4096]


def _expected(error: ErrorDetails) -> str:
    if error["type"] == "string_pattern_mismatch":
        return f"{error.get('input')!r} is not a colour; expected #rrggbb"
    if error["type"] == "extra_forbidden":
        return "unknown key; expected name, logo, colors, footer, contact"
    return str(error["msg"])
