"""The projected pages fit the two common projector sizes: no horizontal scroll, no label cut off
with an ellipsis, Workshop's förvaltning (figures, challenges, room survey) on one screen; the
document says it is Swedish. Screenshots: test-artifacts/projector_<page>_<width>.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
PAGES = {  # url path -> heading that shows the page has run
    "workshop": None,  # the förvaltning's name
    "faktavagg": "Faktavägg",
    "dela-varld": "Dela värld",
    "handlingsplan": "Handlingsplan",
}

# Elements whose text is cut: CSS ellipsis with overflowing content, or an SVG label ending "…"
# (Vega's labelLimit). Returns their texts.
TRUNCATED_JS = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *')) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();  // a collapsed sidebar is off-screen, not cut
    if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1
        && el.clientWidth > 0 && box.right > 0 && el.textContent.trim())
      cut.push(el.textContent.trim());
  }
  for (const t of document.querySelectorAll('[data-testid="stMain"] svg text')) {
    if (t.textContent.endsWith('…')) cut.push(t.textContent);
  }
  return cut;
}"""


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium missing: `make test` installs it"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def settled(page: Page, heading: str | None) -> None:
    main = page.locator('[data-testid="stMain"]')
    target = main.get_by_role("heading", name=heading) if heading else main.locator("h1")
    expect(target.first).to_be_visible(timeout=90_000)
    # the script has finished: no "Stop" button, no skeletons of elements still to come
    expect(page.get_by_role("button", name="Stop")).to_have_count(0, timeout=90_000)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=90_000)
    page.wait_for_timeout(500)  # charts draw after the script finishes


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_projected_pages_fit(browser: Browser, app_url: str, width: int, height: int) -> None:
    for path, heading in PAGES.items():
        page = browser.new_page(viewport={"width": width, "height": height}, locale="sv-SE")
        try:
            page.goto(app_url + path, wait_until="domcontentloaded")
            settled(page, heading)
            assert page.get_by_text("Page not found").count() == 0, path
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (path, scroll_width)
            truncated = page.evaluate(TRUNCATED_JS)
            assert truncated == [], (path, truncated)
            # set by a tiny component once the page has run (Streamlit serves lang="en")
            page.wait_for_function("document.documentElement.lang === 'sv'", timeout=15_000)
            if path == "workshop":
                workshop_on_one_screen(page, height)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"projector_{path}_{width}.png"))
        finally:
            page.close()


def workshop_on_one_screen(page: Page, height: int) -> None:
    """Figures, challenges (paged, with "1/n" when there are more) and the room survey are
    all above the fold."""
    main = page.locator('[data-testid="stMain"]')
    for part in (main.locator(".figures"), main.get_by_text("Utmaningar (").first):
        box = part.bounding_box()
        assert box and box["y"] + box["height"] <= height, box
    room = main.locator(".room")
    if room.count():
        box = room.bounding_box()
        assert box and box["y"] + box["height"] <= height, ("room survey below the fold", box)
    more = main.get_by_role("button", name="Fler styrkor och utmaningar")
    if more.count():
        expect(more).to_contain_text("(1/")
        box = more.bounding_box()
        assert box and box["y"] + box["height"] <= height
