"""The HTML documents in a real headless Chromium: self-contained (no request leaves the file),
no script errors, the charts laid out, every citation link lands, nothing wider than the page.

Screenshots are kept in DIH_AI_SCREENSHOT_DIR when it is set, to look at them."""

from __future__ import annotations

import datetime as dt
import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from dih_ai.deep_dive import deep_dive
from dih_ai.documents import to_html
from dih_ai.pipeline import draft_roadmap
from dih_ai.writers.offline import OfflineWriter
from tests.browser import Browser

LAYOUT = """(() => {
  const box = (el) => el ? el.getBoundingClientRect() : null;
  const svgs = [...document.querySelectorAll('svg')].map(s => {
    const r = box(s);
    return {w: r.width, h: r.height, shapes: s.querySelectorAll('polygon,rect').length};
  });
  const links = [...document.querySelectorAll('a[href^="#"]')];
  const broken = links.filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))))
                      .map(a => a.getAttribute('href'));
  return {
    title: document.title,
    sections: [...document.querySelectorAll('section[id]')].map(s => s.id),
    gates: document.querySelectorAll('.gate').length,
    svgs, links: links.length, broken,
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


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _keep(path: Path) -> None:
    folder = os.environ.get("DIH_AI_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / path.name).write_bytes(path.read_bytes())


def _check_page(browser: Browser, html: str, tmp_path: Path, name: str) -> dict:
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    browser.open(page)
    requested = browser.requested_urls()
    assert requested == [page.resolve().as_uri()], requested  # nothing else is fetched
    assert browser.console_errors() == []
    layout = browser.evaluate(LAYOUT)
    assert layout["broken"] == [] and layout["overflow"] <= 0, layout
    shot = tmp_path / f"{name}.png"
    width, height = _png_size(browser.screenshot(shot))
    assert width >= 1000 and height == pytest.approx(layout["height"], abs=2)
    _keep(shot)
    return layout


def test_draft_html_renders(browser, meccanica, workspace, tmp_path) -> None:
    draft = draft_roadmap(meccanica, workspace, writer=OfflineWriter())
    layout = _check_page(browser, to_html(draft), tmp_path, "draft-it")
    assert [s for s in layout["sections"] if s != "sources"] == [s.id for s in draft.sections]
    assert layout["gates"] == 4
    radar = layout["svgs"][0]
    assert radar["w"] >= 300 and radar["h"] >= 300 and radar["shapes"] == 5  # 4 rings + scores
    assert layout["links"] >= len(draft.citations) > 0
    assert layout["tables"] >= 3


def test_deep_dive_html_renders(browser, food, workspace, tmp_path) -> None:
    draft = draft_roadmap(food, workspace, writer=OfflineWriter())
    initiative = next(i for i in draft.initiatives if i.use_case)
    dive = deep_dive(
        draft, initiative.id, workspace, writer=OfflineWriter(), start=dt.date(2027, 1, 11)
    )
    layout = _check_page(browser, to_html(dive), tmp_path, "deep-dive-en")
    assert [s for s in layout["sections"] if s != "sources"] == [s.id for s in dive.sections]
    gantt = layout["svgs"][0]
    assert gantt["w"] >= 700
    # one bar per phase, one diamond per milestone
    assert gantt["shapes"] == len(dive.plan.phases) + len(dive.plan.milestones)
    assert layout["links"] >= len(dive.citations) > 0
