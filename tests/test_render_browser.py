"""The seed's HTML report in a real browser: headless Chromium at phone width (375 px) and at A4
width (794 px). It must show Thai text, not overflow sideways on the phone, and show the quarterly
table and the chart. Screenshots are kept under tests/artifacts/ (gitignored) for a person to look at.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe): its
--window-size cannot go below 500 px in headless mode, device-metrics emulation can.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kpi_cli.cli import app

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)"),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--remote-debugging-pipe"]

# What the page looks like to a reader, measured in the page itself.
MEASURE = """(() => {
  const doc = document.documentElement;
  const visible = (el) => { if (!el) return false; const r = el.getBoundingClientRect();
    const s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const table = document.querySelector('table.quarters');
  const chart = document.querySelector('figure.chart svg');
  const bars = chart ? chart.querySelectorAll('rect.bar').length : 0;
  const wide = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > innerWidth + 1)
      .filter(el => !el.closest('.table-wrap')).map(el => el.tagName + '.' + el.className).slice(0, 5);
  const text = document.body.innerText;
  const thai = (text.match(/[\\u0E00-\\u0E7F]/g) || []).length;
  return {
    innerWidth, scrollWidth: doc.scrollWidth, bodyScrollWidth: document.body.scrollWidth, height: doc.scrollHeight,
    lang: doc.lang, thaiChars: thai, tableVisible: visible(table),
    tableRows: table ? table.tBodies[0].rows.length : 0,
    tableFits: table ? table.parentElement.scrollWidth <= table.parentElement.clientWidth + 1
        && table.getBoundingClientRect().right <= innerWidth + 1 : false,
    chartVisible: visible(chart), chartBars: bars,
    chartWidth: chart ? Math.round(chart.getBoundingClientRect().width) : 0,
    wide, fonts: document.fonts.status,
    cellText: table ? table.tBodies[0].rows[0].innerText : '',
  };
})()"""


class Browser:
    """Just enough of the DevTools protocol over a pipe: open a page at a size, evaluate, screenshot."""

    def __init__(self, profile: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def child_fds():  # Chromium reads commands on fd 3 and writes replies on fd 4
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     preexec_fn=child_fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0

    def _read(self) -> dict:
        while b"\0" not in self._buf:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def wait_for(self, event: str) -> None:
        while self._read().get("method") != event:
            pass

    def open(self, url: str, width: int, height: int = 900) -> str:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}, session)
        self.call("Page.enable", {}, session)
        self.call("Page.navigate", {"url": url}, session)
        self.wait_for("Page.loadEventFired")
        return session

    def evaluate(self, session: str, expression: str):
        result = self.call("Runtime.evaluate", {"expression": f"document.fonts.ready.then(() => {expression})",
                                                "returnByValue": True, "awaitPromise": True}, session)
        return result["result"]["value"]

    def screenshot(self, session: str, path: Path, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}, session)
        data = self.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("browser") / "0406-0772.html"
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(app, ["render", "0406-0772", "--format", "html", "-o", str(out)])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


@pytest.mark.parametrize("name,width", [("phone", 375), ("a4", 794)])
def test_seed_report_in_chromium(browser, seed_html, name, width):
    session = browser.open(seed_html.as_uri(), width)
    m = browser.evaluate(session, MEASURE)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(session, ARTIFACTS / f"0406-0772-{name}-top.png", width, 1200)
    browser.screenshot(session, ARTIFACTS / f"0406-0772-{name}-full.png", width, min(m["height"], 16000))
    (ARTIFACTS / f"0406-0772-{name}.json").write_text(json.dumps(m, ensure_ascii=False, indent=2), encoding="utf-8")

    assert m["innerWidth"] == width
    assert m["lang"] == "th"
    assert m["thaiChars"] > 5000, "the Thai text did not render"
    assert m["scrollWidth"] <= width, f"horizontal overflow at {width} px: {m}"
    assert not m["wide"], f"elements wider than the screen: {m['wide']}"
    assert m["tableVisible"] and m["tableRows"] == 4 and m["tableFits"], m
    assert m["cellText"].startswith("1"), m["cellText"]
    assert "30.00" in m["cellText"] and "100 / 100" in m["cellText"]
    assert m["chartVisible"] and m["chartBars"] == 4 and m["chartWidth"] > 250, m
