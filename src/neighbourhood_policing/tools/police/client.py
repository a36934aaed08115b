"""A polite client for the data.police.uk API, built on requests.

It keeps to the API's published limit (15 requests a second on average, bursts of
30) with a token bucket, honours ``Retry-After`` on 429, retries time-outs,
connection errors and 5xx answers a bounded number of times with exponential
backoff, and turns every failure into a ``PoliceAPIError`` whose message names
what was being fetched (the area, when the caller says so) and what to do.

The base URL is a parameter so that tests and mirrors can stand in for the API.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

DEFAULT_BASE_URL = "https://data.police.uk/api"
USER_AGENT = "neighbourhood-policing-importer/0.1 (python-requests)"


class PoliceAPIError(RuntimeError):
    """A request that failed for good; the message is meant for the person running it."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotFound(PoliceAPIError):
    """404: the force, neighbourhood or resource does not exist."""


class TooManyResults(PoliceAPIError):
    """503 from a street-level crime query: more than 10,000 crimes in the polygon."""


class TokenBucket:
    """At most ``rate`` acquisitions a second on average, ``burst`` at once.

    ``clock`` and ``sleep`` are parameters so tests can run it on a fake clock.
    """

    def __init__(
        self,
        rate: float = 15.0,
        burst: int = 30,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self.tokens = float(burst)
        self.updated = clock()
        self.lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until one is free; returns the time slept."""
        slept = 0.0
        with self.lock:
            while True:
                now = self.clock()
                self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1 - 1e-9:  # allow for rounding in the refill
                    self.tokens = max(0.0, self.tokens - 1)
                    return slept
                wait = max((1 - self.tokens) / self.rate, 1e-3)
                self.sleep(wait)
                slept += wait


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class PoliceClient:
    """GET JSON from data.police.uk with throttling, retries and clear errors."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        session: requests.Session | None = None,
        bucket: TokenBucket | None = None,
        timeout: float = 20.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.session.headers["Accept"] = "application/json"
        self.bucket = bucket or TokenBucket(sleep=sleep)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        #: Requests actually sent, for summaries and tests.
        self.requests_sent = 0

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def get(self, path: str, params: dict[str, str] | None = None, *, what: str = "") -> Any:
        """The decoded JSON at ``path``; ``what`` names the thing for error messages."""
        url = self.url(path)
        label = what or path
        last_problem = ""
        for attempt in range(self.retries + 1):
            self.bucket.acquire()
            self.requests_sent += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout:
                last_problem = f"no answer within {self.timeout:g} seconds"
                self._back_off(attempt, None)
                continue
            except requests.ConnectionError as exc:
                last_problem = f"could not connect ({type(exc).__name__})"
                self._back_off(attempt, None)
                continue
            status = response.status_code
            if status == 200:
                try:
                    return response.json()
                except ValueError:
                    raise PoliceAPIError(
                        f"{label}: {url} answered with something that is not JSON; check "
                        "--base-url points at the API (it ends in /api)",
                        status,
                    ) from None
            if status == 404:
                raise NotFound(f"{label}: not found on data.police.uk ({url})", status)
            if status == 503 and path.startswith("crimes-street"):
                raise TooManyResults(f"{label}: more than 10,000 crimes in one request", status)
            if status == 429 or status >= 500:
                last_problem = f"HTTP {status}"
                self._back_off(attempt, retry_after_seconds(response.headers.get("Retry-After")))
                continue
            raise PoliceAPIError(
                f"{label}: data.police.uk answered HTTP {status} for {url}", status
            )
        raise PoliceAPIError(
            f"{label}: gave up after {self.retries + 1} tries ({last_problem}); "
            "data.police.uk may be down or busy: run the import again later"
        )

    def _back_off(self, attempt: int, retry_after: float | None) -> None:
        if attempt >= self.retries:
            return
        wait = self.backoff * (2**attempt)
        if retry_after is not None:
            wait = max(wait, retry_after)
        self.sleep(min(wait, self.max_wait))

    # -- endpoints ---------------------------------------------------------
    def force(self, force: str) -> dict[str, Any]:
        return self.get(f"forces/{force}", what=f"force '{force}'")

    def neighbourhoods(self, force: str) -> list[dict[str, Any]]:
        return self.get(f"{force}/neighbourhoods", what=f"neighbourhoods of '{force}'")

    def neighbourhood(self, force: str, hood: str) -> dict[str, Any]:
        try:
            return self.get(f"{force}/{hood}", what=f"neighbourhood '{hood}' of '{force}'")
        except NotFound as exc:
            raise NotFound(
                f"neighbourhood '{hood}': data.police.uk has no neighbourhood with that id in "
                f"force '{force}'; list the ids with {self.url(force + '/neighbourhoods')}",
                404,
            ) from exc

    def boundary(self, force: str, hood: str) -> list[dict[str, Any]]:
        return self.get(f"{force}/{hood}/boundary", what=f"boundary of '{hood}'")

    def people(self, force: str, hood: str) -> list[dict[str, Any]]:
        return self.get(f"{force}/{hood}/people", what=f"team of '{hood}'")

    def events(self, force: str, hood: str) -> list[dict[str, Any]]:
        return self.get(f"{force}/{hood}/events", what=f"events of '{hood}'")

    def priorities(self, force: str, hood: str) -> list[dict[str, Any]]:
        return self.get(f"{force}/{hood}/priorities", what=f"priorities of '{hood}'")

    def crime_last_updated(self) -> str:
        """The month street-level crime data runs to, as YYYY-MM."""
        data = self.get("crime-last-updated", what="the month crime data runs to")
        return str(data["date"])[:7]

    def street_crimes(self, poly: str, month: str, *, what: str = "") -> list[dict[str, Any]]:
        return self.get(
            "crimes-street/all-crime", {"poly": poly, "date": month}, what=what or "crimes"
        )
