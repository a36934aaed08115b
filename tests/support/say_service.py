"""A stand-in for a force's form service, for the have-your-say browser tests."""

from __future__ import annotations

import http.server
import socketserver
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@dataclass
class FormService:
    """A stand-in for the force's form service: records each POST, then redirects."""

    received: list[list[tuple[str, str]]] = field(default_factory=list)
    event: threading.Event = field(default_factory=threading.Event)

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                fields = parse_qsl(body, keep_blank_values=True)
                service.received.append(fields)
                service.event.set()
                self.send_response(303)
                self.send_header("Location", dict(fields).get("_next", "/"))
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def take(self) -> dict[str, str]:
        assert self.event.wait(10), "the form service received nothing"
        self.event.clear()
        fields = self.received.pop(0)
        assert len({name for name, _ in fields}) == len(fields), fields  # each field once
        return dict(fields)

