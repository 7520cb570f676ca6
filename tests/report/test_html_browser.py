"""report.html in a real headless browser: loads without console errors, every figure shows.

Needs Chromium (``apt-get install chromium``, at /usr/bin/chromium or on PATH)
and the ``playwright`` Python package (``pip install 'sc2d[browser]'``); no
browser download is needed, the system Chromium is driven directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        exe = None
    if exe is None:
        pytest.skip(
            "no Chromium at /usr/bin/chromium (apt-get install chromium) or playwright not installed"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def test_report_renders_in_chromium(browser, mini_report, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(mini_report.report_html.resolve().as_uri())
    page.wait_for_load_state("load")
    imgs = page.evaluate(
        """Array.from(document.images).map(i => {
            const r = i.getBoundingClientRect();
            return {alt: i.alt, nw: i.naturalWidth, nh: i.naturalHeight, w: r.width, h: r.height};
        })"""
    )
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    title = page.title()
    # the script-named sample is shown as text, not run: no dialog, no extra script
    n_scripts = page.evaluate("document.scripts.length")
    page.close()
    assert errors == [] and failed == []
    assert len(imgs) >= 15
    for im in imgs:
        assert im["nw"] > 0 and im["nh"] > 0, im["alt"]
        assert im["w"] > 100 and im["h"] > 50, im["alt"]
    assert n_scripts == 0
    assert title.startswith("Mini CZO/KTO set <i>x</i>")
    assert shot.stat().st_size > 50_000


def test_report_prints_readably(browser, mini_report, tmp_path):
    """Print media: figures two per row, nothing hidden but the navigation."""
    page = browser.new_page()
    page.goto(mini_report.report_html.resolve().as_uri())
    page.emulate_media(media="print")
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('figure')).map(f => f.getBoundingClientRect().width)"
    )
    nav = page.evaluate("getComputedStyle(document.querySelector('nav')).display")
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf))
    page.close()
    assert nav == "none"
    assert all(w > 0 for w in widths)
    assert pdf.read_bytes()[:4] == b"%PDF"
