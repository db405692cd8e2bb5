"""How one provider is called: per-request timeout, retries with backoff, requests per minute.

DSPy's own retries are off (``num_retries=0`` on the LM): a timed-out request's connection is closed by
the HTTP client when its timeout fires, and only then does this policy retry it, so a one-request-at-a-time
local server is not left generating an answer nobody waits for while the retry queues behind it.

Retried: 429 (after ``Retry-After`` when the server sends one), 5xx, timeouts and dropped connections,
with exponential backoff (1, 2, 4 ... s, at most ``MAX_BACKOFF_S``; a ``Retry-After`` at most
``RETRY_AFTER_CAP_S``). Not retried: a refused connection
(nothing listens there: retrying cannot help, and the error says so) and other 4xx.

Cancel shuts down the connections of the requests in flight (``in_flight.py``), so they end at once.

Requests per minute are spaced evenly and shared by every LM with the same provider, endpoint and model,
across threads and, through a lock file, across the pool's worker processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time

from .errors import LMError
from .in_flight import calls_of

MAX_BACKOFF_S = 30.0
RETRY_AFTER_CAP_S = 120.0  # a longer Retry-After is cut to this (the host's wait for a request assumes it)
_local_locks: dict = {}
_local_next: dict = {}
_guard = threading.Lock()


class ConnectionRefused(LMError):
    """Nothing accepts connections at the endpoint (the server is not running, or another port)."""

    def __init__(self, message):
        super().__init__(message, data={"kind": "connection_refused"})


def _chain(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_refused(exc) -> bool:
    for e in _chain(exc):
        if isinstance(e, ConnectionRefusedError) or "Connection refused" in str(e) or "ConnectError" in type(e).__name__ \
                and "refused" in str(e).lower():
            return True
    return False


def classify(exc) -> str:
    """``refused``, ``rate_limit``, ``timeout``, ``server``, ``dropped``, or ``other``."""
    from dspy.utils.exceptions import LMRateLimitError, LMServerError, LMTimeoutError, LMTransportError

    if is_refused(exc):
        return "refused"
    for e in _chain(exc):
        names = {c.__name__ for c in type(e).__mro__}
        status = getattr(e, "status", None) or getattr(e, "status_code", None)
        if isinstance(e, LMRateLimitError) or "RateLimitError" in names or status == 429:
            return "rate_limit"
        if isinstance(e, LMTimeoutError) or names & {"Timeout", "APITimeoutError", "ReadTimeout", "TimeoutException"}:
            return "timeout"
        if isinstance(e, LMServerError) or names & {"InternalServerError", "ServiceUnavailableError"} or \
                (isinstance(status, int) and status >= 500):
            return "server"
        if isinstance(e, LMTransportError) or names & {"APIConnectionError", "RemoteProtocolError", "ReadError",
                                                        "ConnectionResetError", "ServerDisconnectedError"}:
            return "dropped"
    return "other"


def retry_after(exc):
    for e in _chain(exc):
        v = getattr(e, "retry_after", None)
        if v is None:
            headers = getattr(getattr(e, "response", None), "headers", None) or {}
            try:
                v = headers.get("retry-after")
            except AttributeError:
                v = None
        try:
            if v is not None and float(v) >= 0:
                return min(float(v), RETRY_AFTER_CAP_S)
        except (TypeError, ValueError):
            pass
    return None


class RequestPolicy:
    def __init__(self, key: str, retries: int = 2, requests_per_minute=None, cancel_check=None, on_retry=None,
                 in_flight=None):
        self.key = key
        self.retries = retries
        self.interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self.cancel_check = cancel_check
        self.on_retry = on_retry  # fn(kind): counts the retries of the request
        self.in_flight = in_flight  # the request's in_flight.InFlight: cancel closes its connections

    def call(self, fn, describe_endpoint: str):
        for attempt in range(self.retries + 1):
            self._check()
            self._pace()
            try:
                if self.in_flight is None:
                    return fn()
                with calls_of(self.in_flight):
                    return fn()
            except Exception as exc:
                # A connection closed by cancel is the cancel, not a dropped connection to retry.
                self._check()
                kind = classify(exc)
                if kind == "refused":
                    raise ConnectionRefused(f"connection refused by {describe_endpoint}: is the server running "
                                            f"and listening there?") from exc
                if kind == "other" or attempt >= self.retries:
                    raise
                if self.on_retry:
                    self.on_retry(kind)
                delay = retry_after(exc)
                self._sleep(delay if delay is not None else min(2.0 ** attempt, MAX_BACKOFF_S))
        raise AssertionError("unreachable")

    def _check(self):
        if self.cancel_check:
            self.cancel_check()

    def _sleep(self, seconds: float):
        end = time.monotonic() + seconds
        while True:
            self._check()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.1))

    def _pace(self):
        if not self.interval:
            return
        slot = _reserve(self.key, self.interval)
        self._sleep(max(0.0, slot - time.time()))


class PolicyCalls:
    """Mixin for a DSPy LM: every call goes through ``self.policy`` (each attempt is one LM call to DSPy's
    callbacks, so retries are counted as calls)."""

    policy: RequestPolicy | None = None
    endpoint = "the model"

    def __call__(self, prompt=None, *, messages=None, **kwargs):
        sup = super().__call__
        if self.policy is None:
            return sup(prompt, messages=messages, **kwargs)
        return self.policy.call(lambda: sup(prompt, messages=messages, **kwargs), self.endpoint)


def _reserve(key: str, interval: float) -> float:
    """The wall-clock time this request may start at; the next one may start ``interval`` later."""
    with _guard:
        lock = _local_locks.setdefault(key, threading.Lock())
    with lock:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): paced within this worker only
            now = time.time()
            slot = max(now, _local_next.get(key, 0.0))
            _local_next[key] = slot + interval
            return slot
        name = hashlib.sha256(f"{key}|{interval}".encode()).hexdigest()[:16]
        path = os.path.join(tempfile.gettempdir(), f"studio-rpm-{name}.json")
        with open(path, "a+", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                f.seek(0)
                try:
                    nxt = float(json.loads(f.read() or "{}").get("next", 0.0))
                except (ValueError, AttributeError):
                    nxt = 0.0
                now = time.time()
                slot = max(now, nxt)
                f.seek(0)
                f.truncate()
                f.write(json.dumps({"next": slot + interval}))
                f.flush()
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return slot
