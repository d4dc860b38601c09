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


# -- WCAG 2.2 checks axe-core does not make ----------------------------------------------

TARGETS = (
    "button, input:not([type=hidden]), select, textarea, a.govuk-button, a.govuk-back-link,"
    " .govuk-header a, .govuk-footer a, .govuk-summary-list__actions a"
)


def check_target_size(page, minimum: int = 24) -> None:
    """WCAG 2.2 SC 2.5.8 (AA): each control is at least 24 by 24 CSS pixels, or has the
    spacing the criterion allows instead: a 24-pixel circle on its centre touches no other
    target (nor another small target's circle). Links inside a sentence are exempt (the
    "inline" exception), so only controls that stand alone are measured."""
    small = page.evaluate(
        """([selector, minimum]) => {
          const all = [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length && !e.closest('[aria-hidden=true]'))
            .map(e => ({e, r: e.getBoundingClientRect()}));
          const isSmall = t => t.r.width < minimum || t.r.height < minimum;
          const centre = t => [t.r.left + t.r.width / 2, t.r.top + t.r.height / 2];
          const gap = ([x, y], r) => Math.hypot(
            Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
          return all.filter(isSmall).filter(t => {
            const c = centre(t);
            return all.some(o => o !== t && !o.e.contains(t.e) && !t.e.contains(o.e) && (
              isSmall(o) ? Math.hypot(c[0] - centre(o)[0], c[1] - centre(o)[1]) < minimum
                         : gap(c, o.r) < minimum / 2));
          }).map(t => `${t.e.outerHTML.slice(0, 80)} (${Math.round(t.r.width)}x${Math.round(t.r.height)})`);
        }""",
        [TARGETS, minimum],
    )
    assert not small, f"targets under {minimum}x{minimum} px on {page.url}: {small[:5]}"


def check_reflow(page, width: int = 320) -> None:
    """WCAG SC 1.4.10: at 320 CSS pixels wide nothing needs scrolling sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        overflow = page.evaluate("(w) => document.documentElement.scrollWidth - w", width)
        assert overflow <= 0, f"{page.url} is {overflow} px too wide at {width} px"
    finally:
        page.set_viewport_size(size)


def check_focus_not_obscured(page, presses: int = 40) -> None:
    """WCAG 2.2 SC 2.4.11 (AA): each element the Tab key reaches is scrolled into view and
    not hidden under anything else (a sticky banner, a cookie bar)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate("() => window.scrollTo(0, 0)")
    hidden = []
    seen = set()
    for _ in range(presses):
        page.keyboard.press("Tab")
        result = page.evaluate(
            """() => {
              const e = document.activeElement;
              if (!e || e === document.body) return null;
              const r = e.getBoundingClientRect();
              const key = e.outerHTML.slice(0, 120);
              const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
              const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
              const hit = document.elementFromPoint(x, y);
              const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
              const label = e.labels && e.labels[0];
              const ok = inView && hit && (hit === e || e.contains(hit) || hit.contains(e)
                || (label && (label === hit || label.contains(hit))));
              return {key, ok};
            }"""
        )
        if result is None or result["key"] in seen:
            break  # round to the start again, or out of the page into the browser
        seen.add(result["key"])
        if not result["ok"]:
            hidden.append(result["key"])
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur(); scrollTo(0, 0); }"
    )
    page.bring_to_front()
    assert not hidden, f"focused elements hidden on {page.url}: {hidden[:5]}"


def check_wcag22(page) -> None:
    """axe-core, then the WCAG 2.2 checks it leaves out."""
    check_axe(page)
    check_target_size(page)
    check_reflow(page)
    check_focus_not_obscured(page)
