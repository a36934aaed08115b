"""Debian's nginx serving a built site on 127.0.0.1 with the shipped security headers."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from . import free_port

__all__ = ["NGINX", "free_port", "serve_in_folder", "start_nginx"]

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


@contextlib.contextmanager
def serve_in_folder(prefix: Path, port: int, output: Path, folder: str) -> Iterator[None]:
    """nginx serving ``output`` at ``/<folder>/`` only, as a GitHub Pages project site is.

    Nothing else answers (``/`` gives an empty 204 so the start-up check can see nginx
    is up), so a link that climbs above the folder, or starts at ``/``, is a 404.
    """
    snippet = prefix / "folder.conf"
    snippet.write_text(
        f"""charset utf-8;
location = / {{ return 204; }}
location ^~ /{folder}/ {{
    alias {output}/;
    error_page 404 /{folder}/404.html;
}}
""",
        encoding="utf-8",
    )
    process = start_nginx(prefix, port, prefix / "empty-root", snippet)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
