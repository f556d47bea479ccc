"""A real headless Chromium for the plots page: what it drew, what it loaded, and every request it
tried to send (through a recording proxy on 127.0.0.1 that refuses them all, so nothing leaves
the machine).

What the page loaded comes from the page itself: a copy of it gets a script that writes
`performance.getEntriesByType("resource")` (every script, image, stylesheet and fetch, failed
ones included) into the DOM. The proxy also sees the browser's own calls to its vendor's
services (updates, time, accounts), which no flag turns off entirely in Chromium 156; they are
refused like the rest and told apart by host (`BROWSER_SERVICES`).

Without a `chromium` binary the tests that need it are skipped, unless GENREPIPE_REQUIRE_BROWSER
is set (CI installs Debian's chromium and sets it): then they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BROWSER_SERVICES = ("google.com", "googleapis.com", "gvt1.com")
RESOURCES_ID = "genrepipe-resources"
RESOURCES_SCRIPT = """<script>
window.addEventListener("load", () => setTimeout(() => {
  const pre = document.createElement("pre");
  pre.id = "%s";
  pre.textContent = JSON.stringify(performance.getEntriesByType("resource").map(e => e.name));
  document.body.appendChild(pre);
}, 3000));
</script>
""" % RESOURCES_ID
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--virtual-time-budget=20000")


def chromium() -> str:
    """The browser's path; skips (or fails, under GENREPIPE_REQUIRE_BROWSER) without one."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "no chromium on PATH (Debian: apt-get install chromium)"
        if os.environ.get("GENREPIPE_REQUIRE_BROWSER"):
            pytest.fail(message + "; GENREPIPE_REQUIRE_BROWSER is set")
        pytest.skip(message)
    return found


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that answers every request 403 and records it."""

    def __init__(self):
        self.requests: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _refuse(self):
                proxy.requests.append(f"{self.command} {self.path}")
                self.send_error(403, "genrepipe tests: no request may leave the machine")

            do_GET = do_POST = do_HEAD = do_CONNECT = do_PUT = _refuse

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def page_requests(self) -> list[str]:
        """The requests but the browser's own calls to its vendor's services."""
        def host(request: str) -> str:
            target = request.split(" ", 1)[1]
            return target.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]

        return [r for r in self.requests
                if not any(host(r) == s or host(r).endswith("." + s) for s in BROWSER_SERVICES)]


@dataclass
class Plot:
    """One plot DVC put on the page: its div's id and the tags drawn inside it."""

    id: str
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        return "canvas" in self.tags or "svg" in self.tags or bool(self.images)


class PageParser(HTMLParser):
    """The plots (top-level divs of the body) and every external script or stylesheet."""

    def __init__(self):
        super().__init__()
        self.plots: list[Plot] = []
        self.loaded: list[str] = []  # src / href of scripts and stylesheets
        self.resources: list[str] = []  # every URL the page loaded (RESOURCES_SCRIPT)
        self._depth = 0  # div nesting inside the body
        self._in_resources = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "pre" and attrs.get("id") == RESOURCES_ID:
            self._in_resources = True
            return
        if tag == "script" and attrs.get("src"):
            self.loaded.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.loaded.append(attrs["href"])
        if tag == "div":
            if self._depth == 0 and attrs.get("id"):
                self.plots.append(Plot(attrs["id"]))
            self._depth += 1
        elif self._depth and self.plots:
            self.plots[-1].tags.append(tag)
            if tag == "img" and attrs.get("src"):
                self.plots[-1].images.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1
        if tag == "pre":
            self._in_resources = False

    def handle_data(self, data):
        if self._in_resources:
            self.resources += json.loads(data)


def render(page: Path, proxy: RecordingProxy, profile: Path) -> PageParser:
    """Chromium's DOM of `page` after its scripts ran, parsed, with the URLs it loaded (read from
    a copy of the page beside it that lists them)."""
    checked = page.with_name(f"{page.stem}-checked.html")
    head, body_end, tail = page.read_text().rpartition("</body>")  # the inlined libraries hold one too
    checked.write_text(head + RESOURCES_SCRIPT + body_end + tail)
    try:
        result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}",
                                 f"--proxy-server={proxy.address}", "--dump-dom",
                                 checked.resolve().as_uri()],
                                capture_output=True, text=True, timeout=120)
    finally:
        checked.unlink()
    assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-2000:]
    parser = PageParser()
    parser.feed(result.stdout)
    assert RESOURCES_ID in result.stdout, "the page never finished loading"
    return parser
