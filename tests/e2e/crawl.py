"""A breadth-first crawl of what one signed-in person can reach, checking every page on the way.

Each visited page must answer 200, log nothing to the console, have no axe-core violation, and
fit a 375 px and a 768 px wide screen. Every link a page shows must answer 200 too, visited or not.
Pages are found from the links themselves, so a new page is covered as soon as something links to
it; ids are collapsed into one pattern so a list of 300 people costs a few visits, not 300.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, ConsoleMessage
from playwright.sync_api import Error as PlaywrightError

SCREEN_WIDTHS = (375, 768)
DESKTOP = {"width": 1280, "height": 900}

# Links that end the session or leave the app; everything else a page shows is fair game.
# /healthz is for load balancers: it answers 503 while no worker runs, as in these tests.
NOT_FOLLOWED = re.compile(r"^/(accounts/logout|logout|static/|media/|__debug__|healthz)")
# A link that lands on the login page is a link this person may not use.
LOGIN = "/accounts/login"
# A visit per pattern is enough to judge a page's layout and markup: /programs/12/ and
# /programs/13/ render the same template. Two visits catch a page that differs by its data.
VISITS_PER_PATTERN = 2
ID = re.compile(r"/\d+(?=/|$)")

_AXE = Axe()

_WIDEST = """(width) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      let inScroller = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p).overflowX;
        if (s === 'auto' || s === 'scroll' || s === 'hidden') { inScroller = true; break; }
      }
      const name = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
      if (!inScroller) out.push(name + ' ' + Math.round(r.right) + 'px');
    }
  }
  return out.slice(0, 3);
}"""


@dataclass
class CrawlReport:
    role: str
    pages: list[str] = field(default_factory=list)
    links: set[str] = field(default_factory=set)
    bad_status: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.bad_status, *self.console_errors, *self.overflow, *self.axe]

    def summary(self) -> str:
        return (
            f"{self.role}: {len(self.pages)} pages, {len(self.links)} links checked, "
            f"overflow {len(self.overflow)}, axe violations {len(self.axe)}, "
            f"console errors {len(self.console_errors)}, bad links {len(self.bad_status)}"
        )


def pattern_of(path: str) -> str:
    return ID.sub("/<id>", path)


def crawl(context: BrowserContext, base_url: str, role: str, start: str = "/", max_pages: int = 80) -> CrawlReport:
    report = CrawlReport(role=role)
    origin = urlsplit(base_url).netloc
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(message, errors))
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    queue: deque[str] = deque([start])
    seen: set[str] = {start}
    visits: dict[str, int] = {}
    while queue and len(report.pages) < max_pages:
        path = queue.popleft()
        pattern = pattern_of(path.split("?")[0])
        if visits.get(pattern, 0) >= VISITS_PER_PATTERN:
            continue
        visits[pattern] = visits.get(pattern, 0) + 1
        errors.clear()
        page.set_viewport_size(DESKTOP)
        try:
            response = page.goto(base_url + path, wait_until="networkidle")
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            continue  # a CSV or calendar file: checked below with the other links
        report.pages.append(path)
        status = response.status if response else 0
        if status != 200 or urlsplit(page.url).path.startswith(LOGIN):
            report.bad_status.append(f"{path} -> {status} at {urlsplit(page.url).path}")
            continue
        for violation in _AXE.run(page).response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            report.axe.append(f"{path}: {violation['id']} ({violation['impact']}) on {targets}")
        for width in SCREEN_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                widest = page.evaluate(_WIDEST, width)
                report.overflow.append(f"{path} at {width} px is {scroll_width} px wide: {widest}")
        report.console_errors.extend(f"{path}: {error}" for error in errors)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = _same_origin_path(href, origin)
            if link is None or NOT_FOLLOWED.match(link):
                continue
            report.links.add(link)
            if link not in seen:
                seen.add(link)
                queue.append(link)

    visited = set(report.pages)
    for link in sorted(report.links - visited):
        response = context.request.get(base_url + link)
        if response.status != 200 or urlsplit(response.url).path.startswith(LOGIN):
            report.bad_status.append(f"link {link} -> {response.status}")
    page.close()
    return report


def _keep_error(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(f"console: {message.text}")


def _same_origin_path(href: str, origin: str) -> str | None:
    url, _fragment = urldefrag(href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != origin:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
