"""Open a page in real headless Chromium and say what a reader would see.

A small client of the DevTools protocol (over ``websocket-client``): start Chromium
with a fresh profile and no network services, open a blank tab, listen for console
messages, exceptions and log entries, load the page, then read every image's
natural size and take a full-page screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--window-size=1280,1024"]
START_TIMEOUT_S = 30.0
LOAD_TIMEOUT_S = 30.0


@dataclass
class PageView:
    """What the browser showed: each image's natural width, the errors, the screenshot."""

    image_widths: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    title: str = ""


class DevTools:
    """One tab of a Chromium process, driven over its DevTools websocket."""

    def __init__(self, url: str) -> None:
        import websocket

        self.socket = websocket.create_connection(url, timeout=LOAD_TIMEOUT_S,
                                                  suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and return its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str, timeout_s: float) -> None:
        """Read events until ``event`` arrives."""
        deadline = time.monotonic() + timeout_s
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {timeout_s} s")
            self.events.append(json.loads(self.socket.recv()))

    def close(self) -> None:
        """Close the websocket."""
        self.socket.close()


def _debugging_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    """The port Chromium chose, from the DevToolsActivePort file it writes in its profile."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with code {process.returncode} at start")
        if marker.is_file():
            lines = marker.read_text().splitlines()
            if lines and lines[0].isdigit():
                return int(lines[0])
        time.sleep(0.05)
    raise TimeoutError("chromium did not open its DevTools port")


def errors_in(events: list[dict[str, Any]]) -> list[str]:
    """Console errors, uncaught exceptions and error log entries among DevTools events."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            found.append("exception: " + str(params.get("exceptionDetails", {}).get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
    return found


def open_page(page: Path, profile: Path, screenshot: Path) -> PageView:
    """Load ``page`` in headless Chromium; return what it showed and save a screenshot."""
    import urllib.request

    process = subprocess.Popen([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}",
                                "about:blank"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        port = _debugging_port(profile, process)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank",
                                         method="PUT")
        with urllib.request.urlopen(request, timeout=START_TIMEOUT_S) as response:
            target = json.loads(response.read())
        tab = DevTools(target["webSocketDebuggerUrl"])
        try:
            for domain in ("Runtime", "Log", "Page"):
                tab.call(f"{domain}.enable")
            tab.call("Page.navigate", url=page.resolve().as_uri())
            tab.wait_for("Page.loadEventFired", LOAD_TIMEOUT_S)
            widths = tab.call("Runtime.evaluate", returnByValue=True, expression=(
                "Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)"))
            title = tab.call("Runtime.evaluate", expression="document.title",
                             returnByValue=True)
            shot = tab.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            tab.call("Runtime.evaluate", expression="0")  # flush events that are still due
            return PageView(list(widths["result"]["value"]), errors_in(tab.events),
                            str(title["result"]["value"]))
        finally:
            tab.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def browser_missing_reason() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does)"
    if shutil.which(str(CHROMIUM)) is None:
        return f"{CHROMIUM} is not executable"
    try:
        import websocket  # noqa: F401
    except ImportError:
        return "the websocket-client package is not installed (pip install -e '.[test]')"
    return None


def browser_required() -> bool:
    """CI sets SIM_REQUIRE_BROWSER=1: there a missing browser fails instead of skipping."""
    return os.environ.get("SIM_REQUIRE_BROWSER") == "1"
