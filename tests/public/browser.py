"""Playwright helpers for the public pages: Debian's chromium, axe-core, keyboard moves."""

import os
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ROOT / "docs" / "screens"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def check_axe(page) -> None:
    """Fail on any WCAG 2.2 A/AA violation on the current page (skipped without axe-core)."""
    if not AXE.exists():
        warnings.warn(
            "axe-core is not installed (cd frontend && npm install): accessibility checks skipped",
            stacklevel=2,
        )
        return
    # The pages' Content-Security-Policy refuses inline script, so axe-core is served as if
    # from the site itself rather than injected inline: the policy stays on for the check.
    # Wait for the page a click led to: a script added to a document that is being
    # replaced is fetched by the new one before the interception applies (seen on a
    # loaded machine as a 404 for the script from the test server).
    page.wait_for_load_state("load")
    origin = "/".join(page.url.split("/")[:3])
    url = f"{origin}/__axe-core-for-tests__.js"
    pattern = "**/__axe-core-for-tests__.js"
    page.route(pattern, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    try:
        page.add_script_tag(url=url)
    finally:
        page.unroute(pattern)  # interception left on changes how later clicks wait
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_TAGS,
    )
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]
    assert not summary, f"axe violations on {page.url}:\n" + "\n".join(summary)


def screenshot(page, name: str) -> None:
    """Refresh docs/screens/<name>.png when asked (SCREENSHOTS=1), so test runs leave the
    working tree clean."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def tab_to(page, selector: str, limit: int = 60, text: str | None = None) -> None:
    """Press Tab until the focused element matches (and has the text), as a keyboard user would."""
    check = (
        "([s, t]) => { const e = document.activeElement;"
        " return !!e && e.matches(s) && (t === null || e.textContent.trim() === t); }"
    )
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check, [selector, text]):
            return
    pytest.fail(f"could not reach {selector} {text or ''} with the Tab key on {page.url}")


def key_choose_radio(page, name: str, value: str) -> None:
    tab_to(page, f"input[name='{name}']")
    for _ in range(12):
        if page.evaluate("() => document.activeElement.value") == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"no radio {name}={value}")


def key_type(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def key_continue(page, label: str = "Continue") -> None:
    tab_to(page, "button", text=label)
    with page.expect_navigation():
        page.keyboard.press("Enter")
