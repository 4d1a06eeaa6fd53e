"""The portfolio report over a real batch of the bundled and generated companies (T0, and T1
for some): figures checked against the inputs, small cells suppressed, drafts of other
versions read or skipped by name, every output opened in its reader (the HTML in headless
Chromium, the XLSX in openpyxl), the command as users run it, and 127 companies."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from dih_ai import __version__
from dih_ai.analysis import analyse
from dih_ai.assessment.load import load_assessments
from dih_ai.batch import run_batch
from dih_ai.plan import make_plan
from dih_ai.portfolio import portfolio_report
from dih_ai.portfolio.aggregate import cells_of
from dih_ai.portfolio.cells import HIDDEN, SMALL, Count, Percent, Share, Stats, protect_partition
from dih_ai.vocab import DMA_DIMENSIONS
from dih_ai.writers.offline import OfflineWriter
from tests.browser import Browser
from tests.companies import write_companies
from tests.conftest import EXAMPLES

GENERATED = 8
FOLLOWED = 4  # generated companies assessed again at T1
T1_DATE = "2026-11-30"


def _add_t1(folder: Path) -> None:
    """A T1 assessment for the first FOLLOWED companies: every score up 6 points, except the
    first company's green digitalisation, down 3."""
    for n in range(FOLLOWED):
        data = yaml.safe_load((folder / f"a{n:03d}.yaml").read_text(encoding="utf-8"))
        data["dma"]["stage"] = "T1"
        data["assessment_date"] = T1_DATE
        scores = data["dma"]["scores"]
        for key in scores:
            scores[key] = min(100, scores[key] + 6)
        if n == 0:
            scores["green_digitalisation"] = scores["green_digitalisation"] - 9
        (folder / f"a{n:03d}-t1.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, workspace) -> Path:
    """A batch output folder: 8 generated companies, 4 of them also at T1, and the 2 samples."""
    root = tmp_path_factory.mktemp("portfolio")
    inputs = write_companies(root / "in", GENERATED)
    _add_t1(inputs)
    summary = run_batch(
        [inputs, EXAMPLES], workspace, root / "out", writer=OfflineWriter(), formats=("json",)
    )
    assert summary.count("drafted") == GENERATED + FOLLOWED + 2, summary.text()
    return root / "out"


def _inputs(batch: Path) -> list:
    return load_assessments([batch.parent / "in", EXAMPLES]).assessments


def _latest(batch: Path) -> dict:
    latest: dict = {}
    for item in _inputs(batch):
        a = item.assessment
        if a.company.id not in latest or a.dma.stage > latest[a.company.id].dma.stage:
            latest[a.company.id] = a
    return latest


def test_batch_report_counts_and_scores(batch: Path) -> None:
    report = portfolio_report([batch])
    p = report.portfolio
    latest = _latest(batch)
    assert report.skipped == []
    assert sorted(c.id for c in p.companies) == sorted(latest)
    assert len(p.drafts) == GENERATED + FOLLOWED + 2
    assert all(c.profile is not None for c in p.companies)  # found through the status log
    stages = {row[0].text_: row[1].n for row in report.figure("by_stage").rows}
    assert stages == {"T0": GENERATED + 2, "T1": FOLLOWED}
    sectors = {row[0].text_: row[1].n for row in report.figure("by_sector").rows}
    assert sum(sectors.values()) == len(latest)
    assert sorted(sectors.values()) == sorted(
        Counter(a.company.sector for a in latest.values()).values()
    )
    # DMA means over each company's latest assessment, recomputed from the inputs
    dims = report.figure("dma_dimensions").rows
    for row, dim in zip(dims, DMA_DIMENSIONS, strict=False):
        expected = statistics.fmean(getattr(a.dma.scores, dim) for a in latest.values())
        assert row[1].value() == pytest.approx(expected)
    # cybersecurity functions: only the companies assessed, weakest first
    cyber = [row[1] for row in report.figure("cybersecurity").rows]
    assessed = [a for a in latest.values() if a.cybersecurity]
    assert all(cell.n == len(assessed) for cell in cyber)
    means = [cell.value() for cell in cyber if cell.values]
    assert means == sorted(means)


def test_batch_report_readiness_ai_money(batch: Path) -> None:
    report = portfolio_report([batch])
    drafts = [r.data for c in report.portfolio.companies for r in [c.latest]]
    failing = Counter(g["id"] for d in drafts for g in d["readiness"]["gates"] if not g["passed"])
    for row in report.figure("gates").rows:
        cell = row[1]
        assert cell.base == len(drafts)
        assert cell.n in failing.values() or cell.n == 0
    assert sum(row[1].n for row in report.figure("gates").rows) == sum(failing.values())
    heat = report.figure("use_cases_by_sector")
    proposed = Counter(
        i["use_case"]
        for d in drafts
        for i in {x["use_case"]: x for x in d["initiatives"]}.values()
        if i["use_case"]
    )
    totals = Counter()
    for row in heat.rows:
        for name, cell in zip(heat.columns[2:], row[2:], strict=True):
            totals[name] += cell.n
    assert sum(totals.values()) == sum(proposed.values())
    horizons = report.figure("initiatives_by_horizon").rows
    assert sum(row[1].n for row in horizons) == sum(len(d["initiatives"]) for d in drafts)
    money = report.figure("money_by_horizon")
    total = money.rows[-1][1]
    costs = [i["cost_eur"] for d in drafts for i in d["initiatives"] if i.get("cost_eur")]
    assert (total.low, total.high) == (sum(c[0] for c in costs), sum(c[1] for c in costs))
    with_estimates = any(i.get("funding_estimate_eur") for d in drafts for i in d["initiatives"])
    assert ("estimated funding" in money.columns) == with_estimates
    assert any(n.startswith("funding:") for n in report.notes) != with_estimates


def test_impact_pairs_t0_and_t1_by_company(batch: Path) -> None:
    report = portfolio_report([batch])
    rows = {row[0].text_: row for row in report.figure("impact").rows}
    readiness = rows["digital readiness"]
    assert readiness[1].n == FOLLOWED and readiness[1].value() == pytest.approx(6)
    assert (readiness[2].n, readiness[2].base) == (FOLLOWED, FOLLOWED)  # all improved
    green = rows["green digitalisation"]
    assert (green[2].n, green[2].base) == (FOLLOWED - 1, FOLLOWED)  # one went down
    assert green[1].value() == pytest.approx((6 * (FOLLOWED - 1) - 3) / FOLLOWED)


def test_suppression_rules() -> None:
    assert [Count(n).text(True) for n in (0, 1, 2, 3)] == ["0", SMALL, SMALL, "3"]
    assert Count(0, base=2).text(True) == SMALL  # a group of 2: even its zeros are hidden
    assert Count(1).text(False) == "1"  # the internal variant shows every value
    assert Share(2, 10).text(True) == SMALL and Share(5, 10).text(True) == "5 (50%)"
    assert Share(5, 2).text(True) == SMALL
    two = Stats.of([40.0, 60.0])
    assert two.text(True) == SMALL and set(two.spread(True).values()) == {SMALL}
    assert two.text(False) == "50" and two.spread(False)["median"] == "50"
    assert Stats.of([10.0, 20.0, 30.0]).text(True) == "20"
    cells = [Count(5), Count(1), Count(4)]
    protect_partition(cells)  # 10 - 5 - 4 would give the "<3" away
    assert [c.text(True) for c in cells] == ["5", SMALL, HIDDEN]
    cells = [Count(5), Count(1), Count(2)]
    protect_partition(cells)  # two small ones already hide each other
    assert [c.text(True) for c in cells] == ["5", SMALL, SMALL]
    assert Percent(4, 10).text(True) == "40%"


def test_shareable_report_has_no_small_cell_and_no_name(batch: Path) -> None:
    report = portfolio_report([batch])
    shown = 0
    for fig in report.figures:
        for cell in cells_of(fig):
            text = cell.text(True)
            if text in (SMALL, HIDDEN, "–"):
                continue
            shown += 1
            assert cell.n == 0 or cell.n >= 3, (fig.id, text)
            assert cell.base is None or cell.base >= 3, (fig.id, text)
    assert shown > 0
    markdown, html = report.to_markdown(), report.to_html()
    assert SMALL in markdown and "&lt;3" in html  # 10 companies: several groups are small
    names = [item.assessment.company.name for item in _inputs(batch)]
    for company in report.portfolio.companies:
        assert company.id not in markdown and company.id not in html
    for name in names:
        assert name not in markdown and name not in html and name not in report.to_csv()
    internal = report.to_markdown(internal=True)
    assert all(name in internal for name in names)
    assert all(c.id in internal for c in report.portfolio.companies)
    heat = report.figure("use_cases_by_sector")
    for row in heat.rows:  # a sector of fewer than 3 companies shows no count at all
        if row[1].n < 3:
            assert {cell.text(True) for cell in row[1:]} == {SMALL}


def test_outputs_open_in_their_readers(batch: Path) -> None:
    report = portfolio_report([batch])
    companies = len(report.portfolio.companies)
    book = load_workbook(io.BytesIO(report.to_xlsx()))
    assert book.sheetnames[0] == "companies"
    assert {f.id for f in report.figures} <= set(book.sheetnames)
    sheet = book["companies"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "company_id" and "name" not in header and "dma_overall" in header
    assert sheet.max_row == companies + 1
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert len(rows) == companies and "name" not in rows[0]
    paired = [r for r in rows if r["dma_change_t0_t1_overall"]]
    assert len(paired) == FOLLOWED and {r["stages"] for r in paired} == {"T0, T1"}
    internal = list(csv.DictReader(io.StringIO(report.to_csv(internal=True))))
    assert {r["name"] for r in internal} >= {"Azienda Numero 000 S.r.l."}
    internal_book = load_workbook(io.BytesIO(report.to_xlsx(internal=True)))
    assert "name" in [c.value for c in internal_book["companies"][1]]
    assert report._repr_html_().count("<svg") >= 8  # the notebook shows the shareable page


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_reads_drafts_of_other_versions_and_names_what_it_skips(
    batch: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    for name in ("azienda-000.json", "azienda-000-t1.json", "azienda-001.json"):
        draft = json.loads((batch / name).read_text(encoding="utf-8"))
        for item in draft["initiatives"]:
            item.pop("funding_estimate_eur", None)  # only the newer draft below has grants
        _write_json(folder / name, draft)
    newer = json.loads((batch / "azienda-002.json").read_text(encoding="utf-8"))
    newer["schema_version"] = 2
    newer["a_future_block"] = {"anything": True}
    newer["generated_by"]["as_of"] = "2026-11-30"
    for item in newer["initiatives"]:
        item.pop("funding_estimate_eur", None)
        item["funding"] = [{"id": f, "grant_eur": [1000, 2000]} for f in item["funding"]]
    _write_json(folder / "azienda-002.json", newer)
    older = json.loads((batch / "azienda-003.json").read_text(encoding="utf-8"))
    for key in ("dma_scores", "dma_band", "dma_overall", "components", "gaps"):
        older["readiness"].pop(key, None)
    for item in older["initiatives"]:
        item.pop("cost_eur", None)
        item.pop("funding_estimate_eur", None)
    _write_json(folder / "old-draft.json", older)
    _write_json(folder / "dive.json", {"kind": "deep_dive", "company_id": "azienda-000"})
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "notes.txt").write_text("minutes of the steering committee", encoding="utf-8")
    bad = yaml.safe_load((batch.parent / "in" / "a004.yaml").read_text(encoding="utf-8"))
    bad["company"]["size_band"] = "huge"
    (folder / "bad.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")

    report = portfolio_report([folder], assessments=[batch.parent / "in"])
    p = report.portfolio
    assert len(p.drafts) == 5 and len(p.companies) == 4
    reasons = {Path(s.source).name: s.reason for s in report.skipped}
    assert set(reasons) == {"dive.json", "broken.json", "notes.txt", "bad.yaml"}
    assert "deep dive" in reasons["dive.json"] and "not valid JSON" in reasons["broken.json"]
    assert "size_band" in reasons["bad.yaml"]
    by_id = {c.id: c for c in p.companies}
    assert by_id["azienda-003"].latest.assessment is not None  # scores from the assessment
    assert by_id["azienda-002"].latest.when == dt.date(2026, 11, 30)
    assert by_id["azienda-002"].latest.when_from == "as_of"
    money = report.figure("money_by_horizon")
    assert "estimated funding" in money.columns  # the newer draft's grants are read
    assert money.rows[-1][2].n == 1  # from one company only
    assert money.rows[-1][2].text(True) == SMALL
    alone = portfolio_report([folder / "old-draft.json"])  # no assessment: what the draft has
    assert alone.figure("dma_dimensions").rows[0][1].n == 0
    assert alone.figure("by_sector").rows[0][0].text_ == "no assessment"


def test_names_never_run_as_spreadsheet_formulas(batch: Path, tmp_path: Path) -> None:
    shutil.copy(batch / "azienda-005.json", tmp_path / "azienda-005.json")
    data = yaml.safe_load((batch.parent / "in" / "a005.yaml").read_text(encoding="utf-8"))
    data["company"]["name"] = '=HYPERLINK("http://example.invalid") S.r.l.'
    data["company"]["region"] = "@SUM(A1)"
    (tmp_path / "a005.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    report = portfolio_report([tmp_path])
    sheet = load_workbook(io.BytesIO(report.to_xlsx(internal=True)))["companies"]
    header = [c.value for c in sheet[1]]
    name, region = sheet[2][header.index("name")], sheet[2][header.index("region")]
    assert name.data_type == "s" and name.value.startswith("'=HYPERLINK")
    assert region.data_type == "s" and region.value == "'@SUM(A1)"
    row = next(csv.DictReader(io.StringIO(report.to_csv(internal=True))))
    assert row["name"].startswith("'=") and row["region"] == "'@SUM(A1)"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dih_ai.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


def test_portfolio_command(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = run("portfolio", str(batch), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "companies.csv",
        "portfolio.html",
        "portfolio.md",
        "portfolio.xlsx",
    ]
    assert "10 companies, 14 drafts, 0 skipped" in done.stdout
    done = run("portfolio", str(batch), "--out", str(out), "--internal", "--format", "md")
    assert done.returncode == 0 and (out / "portfolio-internal.md").is_file()
    assert "Azienda Numero 000 S.r.l." in (out / "portfolio-internal.md").read_text()
    missing = run("portfolio", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.strip().count("\n") == 0 and "no such file" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "x.json").write_text("[]", encoding="utf-8")
    nothing = run("portfolio", str(empty), "--out", str(tmp_path / "r2"))
    assert nothing.returncode == 2 and "no draft found" in nothing.stderr
    assert "skipped:" in nothing.stderr and "x.json" in nothing.stderr
    as_file = run("portfolio", str(batch), "--out", str(out / "portfolio.md"))
    assert as_file.returncode == 2 and "expected a folder" in as_file.stderr
    helped = run("portfolio", "--help")
    assert helped.returncode == 0 and "Example" in helped.stdout


def _synthetic_drafts(folder: Path, count: int) -> Path:
    """`count` generated companies and, for each, a draft made from the real analysis and
    planner (no writer, no retrieval: the report reads only readiness and initiatives)."""
    inputs = write_companies(folder / "in", count)
    out = folder / "drafts"
    out.mkdir()
    for item in load_assessments([inputs]).assessments:
        a = item.assessment
        readiness = analyse(a)
        plan = make_plan(a, readiness)
        draft = {
            "schema_version": 1,
            "company_id": a.company.id,
            "language": a.language,
            "generated_by": {
                "backend": "planner",
                "prompt_version": "-",
                "library_version": __version__,
            },
            "readiness": readiness.model_dump(mode="json"),
            "sections": [],
            "initiatives": [i.model_dump(mode="json") for i in plan.initiatives],
            "citations": [],
        }
        _write_json(out / f"{a.company.id}.json", draft)
    return folder


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """127 generated companies with their drafts (a year of a hub's roadmaps)."""
    return _synthetic_drafts(tmp_path_factory.mktemp("many"), 127)


def test_127_generated_companies(many: Path) -> None:
    report = portfolio_report([many / "drafts"], assessments=[many / "in"])
    p = report.portfolio
    assert len(p.companies) == len(p.drafts) == 127 and report.skipped == []
    for fid in ("by_sector", "by_size", "by_province", "dma_bands"):
        assert sum(row[1].n for row in report.figure(fid).rows) == 127, fid
    assert report.figure("overview").rows[0][1].text(True) == "127"
    assert report.figure("impact").rows == []  # nobody assessed twice
    assert report.to_markdown().count("\n## ") == len(report.figures) + 1
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert len(rows) == 127 and len({r["company_id"] for r in rows}) == 127


LAYOUT = """(() => {
  const svgs = [...document.querySelectorAll('svg')].map(s => {
    const r = s.getBoundingClientRect();
    return {w: r.width, h: r.height, shapes: s.querySelectorAll('polygon,rect').length};
  });
  const links = [...document.querySelectorAll('a[href^="#"]')];
  return {
    sections: [...document.querySelectorAll('section[id]')].map(s => s.id),
    svgs,
    links: links.length,
    broken: links.filter(a => !document.getElementById(a.hash.slice(1))).map(a => a.hash),
    tables: document.querySelectorAll('table').length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    height: document.documentElement.scrollHeight,
  };
})()"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    page = Browser()
    yield page
    page.close()


def _open(browser: Browser, html: str, path: Path) -> dict:
    path.write_text(html, encoding="utf-8")
    browser.open(path)
    assert browser.requested_urls() == [path.resolve().as_uri()]  # self-contained
    assert browser.console_errors() == []
    layout = browser.evaluate(LAYOUT)
    assert layout["broken"] == [] and layout["overflow"] <= 0, layout
    shot = browser.screenshot(path.with_suffix(".png"))
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    folder = os.environ.get("DIH_AI_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path.with_suffix(".png"), Path(folder) / path.with_suffix(".png").name)
    return layout


def test_portfolio_html_in_browser(
    browser: Browser, batch: Path, many: Path, tmp_path: Path
) -> None:
    report = portfolio_report([batch])
    layout = _open(browser, report.to_html(), tmp_path / "portfolio.html")
    charted = [f.id for f in report.figures if f.chart]
    assert layout["sections"] == [f.id for f in report.figures] + ["notes"]
    assert layout["links"] == len(report.figures) + 1
    assert layout["tables"] == sum(1 for f in report.figures if f.rows)
    assert len(layout["svgs"]) >= len(charted) - 2  # an empty figure draws no chart
    assert all(s["w"] >= 300 and s["h"] >= 30 and s["shapes"] >= 1 for s in layout["svgs"]), layout
    internal = _open(browser, report.to_html(internal=True), tmp_path / "internal.html")
    assert internal["sections"][-2:] == ["companies", "notes"]
    year = portfolio_report([many / "drafts"], assessments=[many / "in"])
    layout = _open(browser, year.to_html(), tmp_path / "portfolio-127.html")
    radar = next(s for s in layout["svgs"] if s["shapes"] == 7)  # 4 rings, IQR, mean
    assert radar["w"] >= 500
