"""A real HTTP receiver on loopback (http.server in a thread) and settings that let webhooks reach it."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """Records every POST (headers and the raw body). `answer` is (status, body, extra headers);
    `delay` seconds before answering; `stop()` / `start()` take it down and up on the same port."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = (200, b"ok", {})
        self.delay = 0.0
        self.port = 0
        self._server = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append(
                    {"headers": dict(self.headers.items()), "body": body, "path": self.path}
                )
                if receiver.delay:
                    time.sleep(receiver.delay)
                status, payload, extra = receiver.answer
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def webhook_dev_settings(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_TIMEOUT = 3.0
    return settings


@pytest.fixture
def receiver(webhook_dev_settings):
    r = Receiver()
    yield r
    r.stop()
