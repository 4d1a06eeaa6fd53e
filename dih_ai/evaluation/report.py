"""Eval run files: `result.json`, `report.md`, `report.html` (a bar chart per metric), and the
comparison of two runs."""

from __future__ import annotations

import html
from pathlib import Path

from pydantic import BaseModel

from dih_ai.errors import InputError, Problem
from dih_ai.evaluation.drafts import COST_METRICS, METRICS, EvalRun

WORSE_BY = 0.05


def write_run(run: EvalRun, out: Path) -> list[Path]:
    """Write the run's JSON and reports into `out`; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "result.json", out / "report.md", out / "report.html"]
    paths[0].write_text(run.model_dump_json(indent=2), encoding="utf-8")
    paths[1].write_text(markdown_report(run), encoding="utf-8")
    paths[2].write_text(html_report(run), encoding="utf-8")
    return paths


def load_run(folder: Path) -> EvalRun:
    """A run written by `write_run`."""
    path = folder / "result.json"
    try:
        return EvalRun.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError:
        raise InputError([Problem(str(path), "", "no eval run here")]) from None
    except ValueError as exc:
        raise InputError(
            [Problem(str(path), "", f"not an eval run: {exc}".splitlines()[0])]
        ) from None


def _header(run: EvalRun) -> list[str]:
    return [
        f"- backend: {run.backend}; model: {run.model or '-'}; prompt: {run.prompt_version}",
        f"- corpus: {run.corpus_hash}; library: {run.library_version}; "
        f"cases: {run.cases_folder} ({len(run.cases)})",
        f"- judge: {run.judge_model or 'none'}",
    ]


def markdown_report(run: EvalRun) -> str:
    """The run as a Markdown page: means, then one row per case."""
    lines = [f"# Eval run {run.name}", "", *_header(run), "", "| metric | mean |", "|---|---|"]
    lines += [f"| {k} | {v:g} |" for k, v in run.mean.items()]
    cols = [
        "structure",
        "initiative_f1",
        "use_case_f1",
        "horizon_agreement",
        "cited_recall",
        "figures_supported",
        "rouge_l",
        "embedding_similarity",
    ]
    lines += ["", "| case | lang | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for case in run.cases:
        lines.append(
            f"| {case.name} | {case.language} | "
            + " | ".join(f"{getattr(case, c):.2f}" for c in cols)
            + " |"
        )
    return "\n".join(lines) + "\n"


def _bars(metric: str, run: EvalRun) -> str:
    values = [(c.name, float(getattr(c, metric))) for c in run.cases]
    top = max([v for _, v in values] + [1.0 if metric in METRICS else 1e-9])
    width, row = 520, 18
    parts = [
        f'<svg role="img" aria-label="{metric}" width="{width + 220}" '
        f'height="{row * len(values) + 10}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (name, value) in enumerate(values):
        y = i * row + 4
        w = int(width * value / top) if top else 0
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="11">{html.escape(name[:28])}</text>'
            f'<rect x="200" y="{y}" width="{w}" height="{row - 5}" fill="#3b6ea5"/>'
            f'<text x="{205 + w}" y="{y + 12}" font-size="11">{value:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def html_report(run: EvalRun) -> str:
    """The run as one self-contained HTML page with a bar chart per metric."""
    items = "".join(f"<li>{html.escape(x[2:])}</li>" for x in _header(run))
    charts = "".join(
        f"<section><h2>{m} <small>(mean {run.mean[m]:g})</small></h2>{_bars(m, run)}</section>"
        for m in METRICS + COST_METRICS
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Eval run {html.escape(run.name)}</title><style>body{{font-family:sans-serif;"
        "margin:2em}h2{font-size:1em;margin:1.2em 0 .3em}</style></head><body>"
        f"<h1>Eval run {html.escape(run.name)}</h1><ul>{items}</ul>{charts}</body></html>\n"
    )


class Comparison(BaseModel):
    """Two runs side by side."""

    a: str
    b: str
    deltas: dict[str, tuple[float, float, float]]
    worse: dict[str, list[str]]

    def text(self) -> str:
        """A table for people: metric, A, B, delta; then the cases that got worse."""
        lines = [f"{'metric':<24}{self.a[:12]:>12}{self.b[:12]:>12}{'delta':>10}"]
        for metric, (a, b, d) in self.deltas.items():
            lines.append(f"{metric:<24}{a:>12.4g}{b:>12.4g}{d:>+10.4g}")
        lines.append("")
        if self.worse:
            lines.append(f"cases worse in {self.b} (a metric down by more than {WORSE_BY}):")
            lines += [f"  {case}: {', '.join(ms)}" for case, ms in self.worse.items()]
        else:
            lines.append(f"no case got worse by more than {WORSE_BY} on any metric")
        return "\n".join(lines)


def compare(a: EvalRun, b: EvalRun) -> Comparison:
    """Per-metric deltas (B - A) and the cases that got worse from A to B."""
    deltas = {
        m: (a.mean[m], b.mean[m], round(b.mean[m] - a.mean[m], 4)) for m in a.mean if m in b.mean
    }
    before = {c.name: c for c in a.cases}
    worse: dict[str, list[str]] = {}
    for case in b.cases:
        old = before.get(case.name)
        if old is None:
            continue
        down = [m for m in METRICS if getattr(old, m) - getattr(case, m) > WORSE_BY]
        if down:
            worse[case.name] = down
    return Comparison(a=a.name, b=b.name, deltas=deltas, worse=worse)
