"""Cancel closes a request's HTTP connections in flight.

The providers' clients (litellm, the OpenAI SDK) read and write their sockets through httpcore. While one of a
request's LM calls runs (``calls_of``), every socket that thread reads or writes is registered with the request's
``InFlight``; ``cancel`` shuts those sockets down, so the server sees the connection closed at once (a local
server stops generating) and the call fails at once, which the request policy turns into ``Cancelled``.
``shutdown`` rather than ``close``: closing a socket that another thread is blocked reading does not wake that
thread, and the connection stays open until the read returns.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

_local = threading.local()
_install_lock = threading.Lock()
_installed = False


class InFlight:
    """The sockets one request's LM calls are reading or writing now."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sockets: dict = {}  # socket -> how many of this request's reads/writes use it now
        self.aborted = False

    @contextmanager
    def using(self, sock):
        with self._lock:
            if self.aborted:
                _shutdown(sock)
            self._sockets[sock] = self._sockets.get(sock, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                n = self._sockets.pop(sock) - 1
                if n:
                    self._sockets[sock] = n

    def abort(self):
        """Shuts down every socket in use now, and any the request uses later."""
        with self._lock:
            self.aborted = True
            sockets = list(self._sockets)
        for s in sockets:
            _shutdown(s)


def _shutdown(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed by the peer or the client
        pass


@contextmanager
def calls_of(in_flight: InFlight):
    """The HTTP reads and writes on this thread belong to ``in_flight`` until the block ends."""
    _install()
    previous = getattr(_local, "current", None)
    _local.current = in_flight
    try:
        yield
    finally:
        _local.current = previous


def _tracked(method):
    def wrapper(self, *args, **kwargs):
        in_flight = getattr(_local, "current", None)
        if in_flight is None:
            return method(self, *args, **kwargs)
        with in_flight.using(self._sock):
            return method(self, *args, **kwargs)

    return wrapper


def _install():
    """Wraps httpcore's synchronous socket stream once (the HTTP clients of every provider use it)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from httpcore._backends.sync import SyncStream

        SyncStream.read = _tracked(SyncStream.read)
        SyncStream.write = _tracked(SyncStream.write)
        _installed = True
