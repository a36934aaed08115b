"""The form editor on this computer (``invoke cms``): the CMS against the working copy.

Three parts, started and stopped together by :class:`LocalCMS`:

* a build of the site with the CMS at ``/admin/`` (``CMS_ADMIN``), whose
  ``admin/config.yml`` (``CMS_SERVED_CONFIG``, written by the build itself) is made
  from the content being edited, with ``local_backend`` pointing at the proxy below and
  ``publish_mode: simple`` (the proxy writes files; it opens no pull requests). The
  committed ``admin/config.yml`` is never changed;
* Decap's own proxy, ``decap-server`` (npm, pinned in package-lock.json), run with its
  working directory on the content root, so a save in the form writes the file there;
* a web server for the build, on 127.0.0.1, sending the headers the build's
  ``_headers`` gives each path (the admin policy's ``connect-src`` also allows the
  proxy), and a watcher that rebuilds the site after a save.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fnmatch
import functools
import http.server
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TextIO

from ..cms import cms_config, render
from ..settings import PROJECT, pelican_settings
from ..urls import AREAS_DIR
from .build import build_site, quiet_pelican_logging, run_build

#: Decap's proxy, installed by ``make setup-cms`` (npm ci).
DECAP_SERVER = Path("node_modules") / ".bin" / "decap-server"
#: The address every server here listens on: this computer only.
HOST = "127.0.0.1"


class LocalCMSError(Exception):
    """Something ``invoke cms`` needs is missing or would not start; the message says what."""


def decap_server_command(project: Path = PROJECT) -> list[str]:
    """The command that starts decap-server, or a clear error when it is not installed."""
    path = project / DECAP_SERVER
    if not path.exists():
        raise LocalCMSError(
            f"{DECAP_SERVER} is missing: run `make setup-cms` (it installs the CMS's npm "
            "packages at the versions in package-lock.json), then try again"
        )
    if shutil.which("node") is None:
        raise LocalCMSError("Node.js is missing: run `make setup-cms` (it installs npm and node)")
    return [str(path)]


def served_config(
    content_root: Path, proxy_url: str, site_url: str, config: Path | None = None
) -> str:
    """The CMS configuration for the content being edited, talking to the local proxy."""
    from ..loading import load_site

    settings = pelican_settings(config or PROJECT / "publishconf.py", content_root=content_root)
    site = load_site(content_root, settings=settings)
    data: dict[str, Any] = cms_config(site, settings)
    data["local_backend"] = {"url": f"{proxy_url}/api/v1", "allowed_hosts": ["localhost", HOST]}
    data["publish_mode"] = "simple"  # decap-server writes files; no branches, no pull requests
    data["site_url"] = site_url
    return render(data).replace(
        "# areas in neighbourhoods/. Do not edit: change the models, then run the task again.\n",
        "# areas in neighbourhoods/, for `invoke cms` (local_backend: its decap-server).\n",
    )


def read_headers_file(path: Path) -> list[tuple[str, dict[str, str]]]:
    """The rules of a Netlify/Cloudflare ``_headers`` file: (path pattern, headers)."""
    rules: ClassVar[list[tuple[str, dict[str, str]]]] = []
    if not path.is_file():
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
        elif rules and ":" in line:
            name, value = line.split(":", 1)
            rules[-1][1][name.strip()] = value.strip()
    return rules


def headers_for(rules: list[tuple[str, dict[str, str]]], path: str) -> dict[str, str]:
    """The headers a host sends for ``path``: every matching rule, later ones winning."""
    headers: dict[str, str] = {}
    for pattern, values in rules:
        if fnmatch.fnmatchcase(path, pattern):
            headers.update(values)
    return headers


def allow_connection(policy: str, origin: str) -> str:
    """A Content-Security-Policy whose connect-src also allows ``origin``."""
    parts = [part.strip() for part in policy.split(";") if part.strip()]
    for index, part in enumerate(parts):
        if part.split()[0] == "connect-src":
            parts[index] = f"{part} {origin}"
            break
    else:
        parts.append(f"connect-src 'self' {origin}")
    return "; ".join(parts)


class _Handler(http.server.SimpleHTTPRequestHandler):
    rules: ClassVar[list[tuple[str, dict[str, str]]]] = []
    proxy_origin = ""

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        for name, value in headers_for(self.rules, path).items():
            if name == "Strict-Transport-Security":
                continue  # plain http on this computer
            if name == "Content-Security-Policy" and path.startswith("/admin/"):
                value = allow_connection(value, self.proxy_origin)
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path: Any) -> str:
        if str(path).endswith((".yml", ".yaml")):
            return "text/yaml"
        return super().guess_type(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that leaves a page (or reloads it) while the 5 MB CMS bundle is still
        # on its way closes the connection: nothing went wrong, so nothing is printed.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _stop_with_parent() -> Callable[[], None] | None:
    """On Linux, a function for the child that asks the kernel to send it SIGTERM when
    this process ends (prctl PR_SET_PDEATHSIG): no decap-server is left behind, even
    when the task is killed. The C library is loaded here, before the fork."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    prctl = libc.prctl
    pr_set_pdeathsig = 1

    def stop_with_parent() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return stop_with_parent


class LocalCMS:
    """Build, proxy and serve the CMS against ``content_root``; ``stop()`` ends them all."""

    def __init__(
        self,
        *,
        content_root: Path | str = PROJECT,
        output: Path | str = PROJECT / "output",
        port: int = 8000,
        proxy_port: int = 8081,
        config: Path | str = PROJECT / "pelicanconf.py",
        project: Path = PROJECT,
        log: TextIO | None = None,
    ) -> None:
        self.content_root = Path(content_root).resolve()
        self.output = Path(output).resolve()
        self.port = int(port)
        self.proxy_port = int(proxy_port)
        self.config = Path(config)
        self.project = project
        self.log = log
        self.site_url = f"http://localhost:{self.port}"
        self.proxy_url = f"http://{HOST}:{self.proxy_port}"
        self._proxy: subprocess.Popen[bytes] | None = None
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._interrupted = False
        self.builds = 0

    @property
    def admin_url(self) -> str:
        return f"{self.site_url}/admin/"

    # -- the parts ---------------------------------------------------------------------
    def overrides(self) -> dict[str, Any]:
        """The build's settings: the CMS on, its configuration the one for this session."""
        return {
            "CMS_ADMIN": True,
            "SITEURL": self.site_url,
            "CMS_SERVED_CONFIG": served_config(self.content_root, self.proxy_url, self.site_url),
        }

    def build(self) -> bool:
        """Build the site with the CMS into the output (atomically); True if it was built."""
        kwargs = {
            "config": self.config,
            "content_root": self.content_root,
            "output": self.output,
            "overrides": self.overrides(),
        }
        if self.log is None:
            build_site(**kwargs)
            code = 0
        else:
            code = run_build(stream=self.log, **kwargs)
        if code:
            return False
        self.builds += 1
        return True

    def start_proxy(self) -> None:
        command = decap_server_command(self.project)
        if not _port_is_free(self.proxy_port):
            raise LocalCMSError(
                f"Port {self.proxy_port} is in use, so decap-server cannot start; "
                "choose another with --proxy-port"
            )
        env = {
            **os.environ,
            "PORT": str(self.proxy_port),
            "BIND_HOST": HOST,
            "MODE": "fs",
            "GIT_REPO_DIRECTORY": str(self.content_root),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "warn"),
        }
        # Its own session: Ctrl+C reaches this process, which then stops the proxy itself;
        # and on Linux the proxy is told to stop if this process dies without doing so.
        self._proxy = subprocess.Popen(
            command,
            cwd=self.content_root,
            env=env,
            start_new_session=True,
            preexec_fn=_stop_with_parent(),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._proxy.poll() is not None:
                raise LocalCMSError(
                    f"decap-server stopped at once (exit code {self._proxy.returncode}); "
                    "its message is above"
                )
            if self._proxy_answers():
                return
            time.sleep(0.2)
        raise LocalCMSError(f"decap-server did not answer at {self.proxy_url} within 30 s")

    def _proxy_answers(self) -> bool:
        request = urllib.request.Request(
            f"{self.proxy_url}/api/v1",
            data=json.dumps({"action": "info"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start_server(self) -> None:
        handler_class = type(
            "Handler",
            (_Handler,),
            {
                "rules": read_headers_file(self.output / "_headers"),
                "proxy_origin": self.proxy_url,
            },
        )
        handler = functools.partial(handler_class, directory=str(self.output))
        try:
            self._server = _Server((HOST, self.port), handler)
        except OSError as exc:
            raise LocalCMSError(
                f"Port {self.port} is in use ({exc.strerror}); choose another with --port"
            ) from None
        self._start_thread(self._server.serve_forever)

    def _start_thread(self, target: Any) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- rebuilding after a save ---------------------------------------------------------
    def _snapshot(self) -> dict[str, float]:
        seen: dict[str, float] = {}
        for folder in (self.content_root / "content", self.content_root / AREAS_DIR):
            for path in folder.rglob("*"):
                try:
                    if path.is_file():
                        seen[str(path)] = path.stat().st_mtime
                except OSError:
                    continue
        return seen

    def changed(self, before: dict[str, float]) -> dict[str, float] | None:
        """The new snapshot when a file under content/ or neighbourhoods/ changed, else None."""
        now = self._snapshot()
        return now if now != before else None

    def rebuild(self) -> bool:
        """Rebuild after a save, reporting plainly; a broken file never stops the editor."""
        started = time.perf_counter()
        try:
            built = self.build()
        except Exception as exc:  # reported; the last good build stays
            print(f"The site was not rebuilt: {exc}", file=self.log or sys.stderr, flush=True)
            built = False
        seconds = time.perf_counter() - started
        message = (
            f"Rebuilt in {seconds:.1f} s."
            if built
            else "The site was not rebuilt; it shows the last good build."
        )
        print(message, file=self.log or sys.stderr, flush=True)
        return built

    def serve_forever(self, interval: float = 1.0) -> None:
        """Rebuild after every change until Ctrl+C (or ``stop()``); then stop everything.

        Ctrl+C is noted before it is raised: a KeyboardInterrupt raised where Python can
        only report it (a finaliser, a callback) is lost, and the editor would then run
        on; the loop stops within ``interval`` of a press whatever became of it."""
        snapshot = self._snapshot()
        self._interrupted = False
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, self._on_ctrl_c)
        try:
            while not self._stopping.wait(interval) and not self._interrupted:
                if self._proxy is not None and self._proxy.poll() is not None:
                    raise LocalCMSError(
                        f"decap-server stopped (exit code {self._proxy.returncode}); "
                        "its message is above"
                    )
                now = self.changed(snapshot)
                if now is not None:
                    self.rebuild()
                    snapshot = self._snapshot()
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            self.stop()

    def _on_ctrl_c(self, signum: int, frame: object) -> None:
        self._interrupted = True  # a plain flag: no lock is taken in a signal handler
        raise KeyboardInterrupt

    # -- all together --------------------------------------------------------------------
    def start(self) -> LocalCMS:
        quiet_pelican_logging()
        decap_server_command(self.project)  # fail before a long build when it is missing
        if not self.build():
            raise LocalCMSError("The site was not built; fix the problems listed above")
        try:
            self.start_proxy()
            self.start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._proxy is not None:
            self._proxy.terminate()
            try:
                self._proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proxy.kill()
                self._proxy.wait(timeout=10)
            self._proxy = None
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()

    def __enter__(self) -> LocalCMS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
