"""Debian's nginx serving a built site on 127.0.0.1 with the shipped security headers."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

from . import free_port

__all__ = ["NGINX", "free_port", "start_nginx"]

#: Debian's nginx (installed by `make setup-test`).
NGINX = "/usr/sbin/nginx"


def start_nginx(prefix: Path, port: int, root: Path, snippet: Path) -> subprocess.Popen:
    """nginx serving ``root`` on ``port`` with ``snippet`` included; returns once it answers."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read pytest's tmp
    (prefix / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        include {snippet};
    }}
}}
""",
        encoding="utf-8",
    )
    log = prefix / "error.log"
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(
                    f"nginx did not start: {log.read_text(errors='replace')}"
                ) from None
            time.sleep(0.05)
