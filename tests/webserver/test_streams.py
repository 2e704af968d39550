"""Server-sent events over a real socket: a run's events live, and location changes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx2 as httpx
from starlette.testclient import TestClient

from .conftest import Served, live_server, run_to_end, submit

SSE = {"Accept": "text/event-stream"}


def messages(lines: Iterator[str]) -> Iterator[dict[str, str]]:
    """Parse an SSE stream into messages ({"event", "data", "id"}); comments are skipped."""
    message: dict[str, str] = {}
    for line in lines:
        if not line:
            if message:
                yield message
            message = {}
        elif not line.startswith(":"):
            field, _, value = line.partition(": ")
            message[field] = value


def test_run_events_stream_live_until_the_run_ends(client: TestClient, served: Served,
                                                   live_url: str) -> None:
    run_id = submit(client, job="orders_job")
    received: list[dict[str, str]] = []
    connected = threading.Event()

    def follow() -> None:
        url = f"{live_url}/api/runs/{run_id}/events"
        with httpx.stream("GET", url, headers=SSE, timeout=60) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.iter_lines()
            for message in messages(lines):
                received.append(message)
                connected.set()

    reader = threading.Thread(target=follow)
    reader.start()
    connected.wait(30)  # the stream opened (its first message is the QUEUED status)
    run_to_end(served, run_id)
    reader.join(60)
    assert not reader.is_alive(), "the stream did not end after the run finished"
    statuses = [json.loads(m["data"])["status"] for m in received if m["event"] == "run_status"]
    assert statuses[0] == "QUEUED" and statuses[-1] == "SUCCESS"
    events = [m for m in received if m["event"] == "run_event"]
    ids = [int(m["id"]) for m in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    kinds = [json.loads(m["data"])["event_type"] for m in events]
    assert kinds[0] == "RUN_START" and kinds[-1] == "RUN_SUCCESS"
    stored = client.get(f"/api/runs/{run_id}/events").json()["events"]
    assert [event["storage_id"] for event in stored] == ids

    # Reconnecting with Last-Event-ID resumes after it, and ends (the run is over).
    resume_after = ids[len(ids) // 2]
    with httpx.stream("GET", f"{live_url}/api/runs/{run_id}/events", timeout=60,
                      headers={**SSE, "Last-Event-ID": str(resume_after)}) as response:
        resumed = list(messages(response.iter_lines()))
    assert [int(m["id"]) for m in resumed if m["event"] == "run_event"] == [
        i for i in ids if i > resume_after]


def follow_reload(url: str) -> list[dict[str, object]]:
    """Open /api/events, reload location ``api``, read until it is loaded again; the items."""
    seen: list[dict[str, object]] = []
    lock = threading.Lock()
    initial = threading.Event()
    reloaded = threading.Event()
    before: dict[str, object] = {}

    def follow() -> None:
        with httpx.stream("GET", f"{url}/api/events", headers=SSE, timeout=120) as response:
            for message in messages(response.iter_lines()):
                with lock:
                    seen.append({"event": message["event"], **json.loads(message["data"])})
                    if len(seen) >= 2:
                        initial.set()
                    item = seen[-1]
                    if (before and item["name"] == "api" and item["status"] == "loaded"
                            and item["server_id"] != before["api"]):
                        reloaded.set()
                        return

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    assert initial.wait(60), seen
    with lock:
        assert {item["event"] for item in seen} == {"location"}
        assert {item["name"] for item in seen} == {"api", "broken"}
        before.update((item["name"], item["server_id"]) for item in seen)
    response = httpx.post(f"{url}/api/locations/api/reload", timeout=120)
    assert response.status_code == 200, response.text
    assert reloaded.wait(60), seen
    reader.join(60)
    return seen


def test_location_stream_sends_every_change(live_url: str) -> None:
    seen = follow_reload(live_url)
    statuses = [item["status"] for item in seen if item["name"] == "api"]
    assert statuses == ["loaded", "loading", "loaded"], seen


def test_location_stream_polls_without_a_feed(served: Served) -> None:
    with live_server(served, feed=False) as url:
        seen = follow_reload(url)
    assert [item["status"] for item in seen if item["name"] == "api"][-1] == "loaded"
