#!/usr/bin/env python3
"""Drives a real headless Chromium through the customer portal, as a customer would.

Opens the link, records a promise (form filled through the DOM, sent by the browser's own
form submission), then a dispute reached and sent with the keyboard only (Tab, typing,
Enter), and takes screenshots on a desktop and a phone-sized screen. Speaks the Chrome
DevTools protocol over a websocket (Debian's python3-websocket). Prints one JSON object.

usage: portal_browser.py URL ARTIFACT_DIR PROMISE_INVOICE PROMISE_DATE DISPUTE_INVOICE REASON
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.settimeout(30)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == ident:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, name, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == name:
                    del self.events[: i + 1]
                    return event
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"no {name} within {timeout}s")
            self.ws.settimeout(left)
            self.events.append(json.loads(self.ws.recv()))

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def key(self, key, code, keycode, text=None):
        down = {"text": text} if text else {}
        self.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=code, windowsVirtualKeyCode=keycode, nativeVirtualKeyCode=keycode, **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=keycode, nativeVirtualKeyCode=keycode)

    def screenshot(self, path):
        import base64
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


def start_browser(profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium is not installed (DUETRAIL_TEST_DEPS=1 scripts/ensure-deps.sh installs it)")
    process = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0", "--remote-allow-origins=*",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 60
    while not os.path.exists(port_file) or not open(port_file).read().strip():
        if time.time() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("chromium did not start")
        time.sleep(0.1)
    port = int(open(port_file).read().split()[0])
    for _ in range(100):
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            return process, pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    process.kill()
    raise SystemExit("chromium opened no page")


def main():
    url, artifacts, promise_invoice, promise_date, dispute_invoice, reason = sys.argv[1:7]
    os.makedirs(artifacts, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="duetrail-chromium-")
    process, ws_url = start_browser(profile)
    out = {}
    try:
        page = Page(ws_url)
        page.call("Page.enable")
        page.call("Log.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired")
        out["title"] = page.js("document.title")
        out["heading"] = page.js("document.querySelector('h1').textContent")
        out["invoices"] = page.js("[...document.querySelectorAll('tbody th[scope=row]')].map(th => th.firstChild.textContent)")
        # The stylesheet loaded under the page's Content-Security-Policy.
        out["button_colour"] = page.js("getComputedStyle(document.querySelector('button')).backgroundColor")
        page.screenshot(os.path.join(artifacts, "portal-desktop.png"))

        # A promise: fields filled, sent by the browser's own form submission.
        page.js(f"""(() => {{
            document.querySelector('#promise-invoice').value = {json.dumps(promise_invoice)};
            document.querySelector('#promise-date').value = {json.dumps(promise_date)};
            document.querySelector('#promise-note').value = 'Paying after our board meets';
            document.querySelector('form[action$="/promise"]').requestSubmit();
        }})()""")
        page.wait_for("Page.loadEventFired")
        out["after_promise_url"] = page.js("location.pathname + location.search")
        out["after_promise_notice"] = page.js("(document.querySelector('.notice') || {}).textContent || ''")
        out["promise_status"] = page.js(f"""[...document.querySelectorAll('tbody th')].filter(th => th.firstChild.textContent == {json.dumps(promise_invoice)}).map(th => th.textContent)[0] || ''""")

        # A dispute with the keyboard alone: Tab to the invoice and the reason, type, Enter on the button.
        focused = []
        for _ in range(60):
            page.key("Tab", "Tab", 9)
            ident = page.js("document.activeElement.id || document.activeElement.tagName")
            focused.append(ident)
            if ident == "dispute-invoice":
                page.js(f"document.activeElement.value = {json.dumps(dispute_invoice)}")
            if ident == "dispute-reason":
                break
        out["tab_order"] = focused
        page.call("Input.insertText", text=reason)
        page.key("Tab", "Tab", 9)
        out["submit_focused"] = page.js("document.activeElement.textContent")
        page.key("Enter", "Enter", 13, text="\r")
        page.wait_for("Page.loadEventFired")
        out["after_dispute_notice"] = page.js("(document.querySelector('.notice') || {}).textContent || ''")
        page.screenshot(os.path.join(artifacts, "portal-confirmation.png"))

        # On a phone: nothing wider than the screen.
        page.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
        page.call("Page.reload")
        page.wait_for("Page.loadEventFired")
        out["phone_scroll_width"] = page.js("document.documentElement.scrollWidth")
        # Every cell fits its row and the screen: a long status ("Payment of … promised by …") wraps.
        out["phone_overflowing_cells"] = page.js("""[...document.querySelectorAll('tbody th, tbody td, .status')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map(e => e.textContent)""")
        out["phone_statuses"] = page.js("[...document.querySelectorAll('.status')].map(s => s.textContent)")
        page.screenshot(os.path.join(artifacts, "portal-phone.png"))
        out["console_errors"] = [e["params"]["entry"].get("text", "") for e in page.events
                                 if e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error"
                                 and "favicon" not in e["params"]["entry"].get("url", "")]
    except Exception as error:
        print(json.dumps({"failed": str(error), "so_far": out}), file=sys.stderr)
        raise
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
