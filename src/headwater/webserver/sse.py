"""Server-sent events: a run's events as they are stored, and location status changes.

Streams poll storage (runs are executed by other processes, which write straight to it) and
the workspace, a few times a second, without holding a worker thread between polls. Every
stream ends when the server shuts down; a run's stream also ends once the run finished and
its last event was sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from headwater.snapshot.runs import EventLogRecord, RunRecord
from headwater.webserver.context import ApiContext
from headwater.webserver.items import location_item
from headwater.webserver.run_items import event_item, run_item

#: Seconds between polls of storage or the workspace.
POLL_SECONDS = 0.2

#: Seconds of silence after which a comment line keeps proxies from closing the stream.
KEEPALIVE_SECONDS = 15.0

#: Events read per poll.
BATCH = 500

_encoder = msgspec.json.Encoder()

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse_message(event: str, data: Any, event_id: int | None = None) -> bytes:
    """One SSE message (JSON data on a single line)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return (head + f"event: {event}\ndata: ").encode() + _encoder.encode(data) + b"\n\n"


def event_stream(messages: AsyncIterator[bytes]) -> StreamingResponse:
    """An SSE response of ``messages``."""
    return StreamingResponse(messages, media_type="text/event-stream", headers=HEADERS)


def run_event_stream(context: ApiContext, run_id: str, after: int) -> StreamingResponse:
    """The events of run ``run_id`` after storage id ``after``, then live until it ends."""
    return event_stream(_run_messages(context, run_id, after))


def _poll_run(context: ApiContext, run_id: str,
              after: int) -> tuple[RunRecord | None, list[EventLogRecord]]:
    storage = context.instance.storage
    run = storage.get_run(run_id)  # read before the events: a finished run has them all
    return run, storage.get_events(run_id, after_storage_id=after, limit=BATCH)


async def _run_messages(context: ApiContext, run_id: str, after: int) -> AsyncIterator[bytes]:
    last_status: str | None = None
    quiet_since = time.monotonic()
    while not context.stopping.is_set():
        run, records = await run_in_threadpool(_poll_run, context, run_id, after)
        if run is None:
            return
        for record in records:
            yield sse_message("run_event", event_item(record), record.storage_id)
            after = record.storage_id
        if run.status.value != last_status:
            last_status = run.status.value
            yield sse_message("run_status", run_item(run))
        if records or last_status is None:
            quiet_since = time.monotonic()
        if run.status.is_finished and len(records) < BATCH:
            return
        if len(records) < BATCH:
            if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield b": keepalive\n\n"
            await asyncio.sleep(POLL_SECONDS)


def location_stream(context: ApiContext) -> StreamingResponse:
    """Every location's item now, then again whenever it changes."""
    return event_stream(_location_messages(context))


async def _location_messages(context: ApiContext) -> AsyncIterator[bytes]:
    if context.location_feed is None:
        async for message in _polled_location_messages(context):
            yield message
        return
    with context.location_feed.subscribe() as changes:
        for entry in context.workspace.get_entries():
            yield sse_message("location", location_item(entry))
        quiet_since = time.monotonic()
        while not context.stopping.is_set():
            try:
                entry = await asyncio.wait_for(changes.get(), POLL_SECONDS)
            except asyncio.TimeoutError:
                if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                    quiet_since = time.monotonic()
                    yield b": keepalive\n\n"
                continue
            quiet_since = time.monotonic()
            yield sse_message("location", location_item(entry))


async def _polled_location_messages(context: ApiContext) -> AsyncIterator[bytes]:
    """Without a feed: poll the workspace (a state shorter than a poll may be missed)."""
    seen: dict[str, float] = {}
    quiet_since = time.monotonic()
    while not context.stopping.is_set():
        for entry in context.workspace.get_entries():
            if seen.get(entry.name) != entry.updated_at:
                seen[entry.name] = entry.updated_at
                quiet_since = time.monotonic()
                yield sse_message("location", location_item(entry))
        if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield b": keepalive\n\n"
        await asyncio.sleep(POLL_SECONDS)
