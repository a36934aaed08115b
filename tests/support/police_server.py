"""A stand-in for data.police.uk on 127.0.0.1 (port 0), serving recorded-shape fixtures."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from support import FIXTURES

API = json.loads((FIXTURES / "police" / "api.json").read_text("utf-8"))


class FakePoliceAPI:
    """Serves ``api.json`` under /api/; answers 429 (Retry-After: 0) to the first request
    for each path in ``busy_once``; counts street-level crime queries by month."""

    def __init__(
        self,
        busy_once: set[str] | None = None,
        crimes: dict | None = None,
        overrides: dict | None = None,
        failing: set[str] | None = None,
    ) -> None:
        self.failing = set(failing or ())
        self.busy_once = set(busy_once or ())
        self.api = {**API, **(overrides or {})}
        self.crimes = crimes or {}
        self.log: list[tuple[str, int]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = parts.path.removeprefix("/api/")
                if path in api.failing:
                    return self.answer(500, {"error": "internal"})
                if path in api.busy_once:
                    api.busy_once.discard(path)
                    return self.answer(429, {"error": "busy"}, {"Retry-After": "0"})
                if path == "crimes-street/all-crime":
                    month = parse_qs(parts.query)["date"][0]
                    return self.answer(200, api.crimes.get(month, []))
                if path in api.api:
                    return self.answer(200, api.api[path])
                return self.answer(404, {"error": "not found"})

            def answer(self, status: int, body: object, headers: dict | None = None) -> None:
                api.log.append((self.path, status))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def __enter__(self) -> FakePoliceAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
