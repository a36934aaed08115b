"""The data.police.uk client's habits, against recorded-shape answers (responses)."""

from __future__ import annotations

import pytest
import requests
import responses

from neighbourhood_policing.tools.police.client import (
    NotFound,
    PoliceAPIError,
    PoliceClient,
    TokenBucket,
)

BASE = "https://api.test/api"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(clock: FakeClock | None = None, **kwargs) -> PoliceClient:
    clock = clock or FakeClock()
    bucket = TokenBucket(clock=clock, sleep=clock.sleep)
    return PoliceClient(BASE, bucket=bucket, sleep=clock.sleep, **kwargs)


def test_token_bucket_allows_a_burst_of_30_then_15_a_second() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=15, burst=30, clock=clock, sleep=clock.sleep)
    for _ in range(30):
        bucket.acquire()
    assert clock.now == 0  # the burst needs no wait
    for _ in range(150):
        bucket.acquire()
    # 150 more at 15 a second take 10 seconds of (fake) time: never faster.
    assert clock.now == pytest.approx(10, abs=0.01)


@responses.activate
def test_429_is_retried_after_retry_after_seconds() -> None:
    clock = FakeClock()
    responses.get(f"{BASE}/forces/west-mercia", status=429, headers={"Retry-After": "7"})
    responses.get(f"{BASE}/forces/west-mercia", json={"id": "west-mercia"})
    assert client(clock).force("west-mercia") == {"id": "west-mercia"}
    assert 7 in clock.sleeps
    assert len(responses.calls) == 2


@responses.activate
def test_5xx_and_timeouts_are_retried_a_bounded_number_of_times_then_name_the_area() -> None:
    clock = FakeClock()
    responses.get(f"{BASE}/west-mercia/SS_LUD/people", body=requests.Timeout())
    for _ in range(5):
        responses.get(f"{BASE}/west-mercia/SS_LUD/people", status=502)
    with pytest.raises(PoliceAPIError) as error:
        client(clock, retries=3).people("west-mercia", "SS_LUD")
    assert len(responses.calls) == 4
    assert "team of 'SS_LUD'" in str(error.value) and "gave up after 4 tries" in str(error.value)
    assert clock.sleeps == [1, 2, 4]  # exponential backoff between tries


@responses.activate
def test_an_unknown_neighbourhood_is_a_clear_error_naming_the_id() -> None:
    responses.get(f"{BASE}/west-mercia/NOPE", status=404, json={})
    with pytest.raises(NotFound) as error:
        client().neighbourhood("west-mercia", "NOPE")
    assert "neighbourhood 'NOPE'" in str(error.value)
    assert "west-mercia/neighbourhoods" in str(error.value)


@responses.activate
def test_crime_last_updated_gives_the_month() -> None:
    responses.get(f"{BASE}/crime-last-updated", json={"date": "2026-10-01"})
    assert client().crime_last_updated() == "2026-10"


@responses.activate
def test_not_json_names_the_base_url_as_the_likely_fault() -> None:
    responses.get(f"{BASE}/forces/west-mercia", body="<html>hello</html>")
    with pytest.raises(PoliceAPIError, match="--base-url"):
        client().force("west-mercia")
