"""The stdio JSON-RPC 2.0 server: one JSON object per line (see docs/python-protocol.md).

A reader thread (the main thread) parses frames and hands requests to a thread pool, so ``cancel``
(and ``health``) are handled while ``optimize`` runs. Frames are written under a lock to the
private dup of the original stdout; fd 1 itself points at stderr.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

from . import PROTOCOL_VERSION
from .errors import (CANCELLED, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RUNTIME_ERROR,
                     Cancelled, RpcError)
from .context import ACTIVE, RequestContext, is_lm_error, scrub
from .methods import INLINE, METHODS

MAX_FRAME = 16 * 1024 * 1024
MAX_DEPTH = 100  # the host's limit for JSON messages too


def too_deep(value, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests deeper than ``limit``, walked without recursion."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (dict, list)):
            if depth + 1 > limit:
                return True
            stack.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))
    return False


def log(msg: str) -> None:
    print(f"[studio_runtime] {msg}", file=sys.stderr, flush=True)


class Server:
    def __init__(self, out, inp, max_workers: int | None = None, on_stop=None):
        self.out = out
        self.inp = inp
        self.on_stop = on_stop  # called first when input ends or on shutdown (the exit deadline)
        self.write_lock = threading.Lock()
        workers = max_workers or int(os.environ.get("STUDIO_RUNTIME_THREADS", "4"))
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="studio-req")
        self.stopping = False

    # -- output -------------------------------------------------------------------------
    def send(self, obj) -> None:
        data = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)
        data = data.encode("utf-8") + b"\n"
        with self.write_lock:
            self.out.write(data)
            self.out.flush()

    def notify(self, method, params) -> None:
        try:
            self.send({"jsonrpc": "2.0", "method": method, "params": params})
        except (ValueError, OSError) as e:
            log(f"could not send {method}: {e}")

    def reply(self, rid, result=None, error=None) -> None:
        msg = {"jsonrpc": "2.0", "id": rid}
        if error is not None:
            msg["error"] = error
        else:
            msg["result"] = result
        try:
            self.send(msg)
        except (ValueError, RecursionError) as e:  # NaN or similar in a result, or one nested too deep
            self.send({"jsonrpc": "2.0", "id": rid,
                       "error": {"code": RUNTIME_ERROR, "message": f"result is not valid JSON: {e}"}})

    # -- input --------------------------------------------------------------------------
    def read_frame(self):
        """Return bytes of one frame, b'' at EOF, or None for an oversized (discarded) frame."""
        line = self.inp.readline(MAX_FRAME + 1)
        if len(line) <= MAX_FRAME:
            return line
        while not line.endswith(b"\n"):
            line = self.inp.readline(MAX_FRAME)
            if not line:
                break
        return None

    def serve(self) -> None:
        import dspy

        self.notify("ready", {"protocol": PROTOCOL_VERSION, "python": platform.python_version(),
                              "dspy": dspy.__version__, "pid": os.getpid()})
        while not self.stopping:
            frame = self.read_frame()
            if frame is None:
                log("refused a frame larger than 16 MiB")
                self.reply(None, error={"code": INVALID_REQUEST, "message": "frame exceeds the 16 MiB limit",
                                        "data": {"limit": MAX_FRAME}})
                continue
            if not frame:
                log("stdin closed; exiting")
                break
            if not frame.strip():
                continue
            try:
                self.handle(frame)
            except Exception as e:  # a bad frame must never end the reader loop
                traceback.print_exc(file=sys.stderr)
                self.reply(None, error={"code": RUNTIME_ERROR, "message": f"could not handle the frame: {e}"})
        self.stop()

    def handle(self, frame: bytes) -> None:
        try:
            msg = json.loads(frame)
        except (ValueError, UnicodeDecodeError, RecursionError) as e:
            self.reply(None, error={"code": PARSE_ERROR, "message": f"parse error: {e}"})
            return
        if too_deep(msg):
            rid = msg.get("id") if isinstance(msg, dict) and isinstance(msg.get("id"), (str, int)) else None
            self.reply(rid, error={"code": INVALID_REQUEST,
                                   "message": f"message nested deeper than {MAX_DEPTH} levels (depth limit)"})
            return
        rid = msg.get("id") if isinstance(msg, dict) else None
        if not isinstance(msg, dict) or msg.get("jsonrpc") != "2.0" or not isinstance(msg.get("method"), str) \
                or not (rid is None or isinstance(rid, (str, int)) and not isinstance(rid, bool)):
            self.reply(rid if isinstance(rid, (str, int)) else None,
                       error={"code": INVALID_REQUEST, "message": "invalid request: expected a JSON-RPC 2.0 "
                              "object with a method and an integer or string id"})
            return
        method, is_notification = msg["method"], "id" not in msg
        params = msg.get("params", {})
        if params is None:
            params = {}
        if not isinstance(params, dict):
            if not is_notification:
                self.reply(rid, error={"code": INVALID_PARAMS, "message": "params must be an object",
                                       "data": {"field": "params"}})
            return
        if method == "cancel":
            found = self.cancel(params.get("request_id"))
            if not is_notification:
                self.reply(rid, {"cancelled": found})
            return
        if method == "stop":
            found = self.stop_request(params.get("request_id"))
            if not is_notification:
                self.reply(rid, {"stopped": found})
            return
        if method == "shutdown":
            if not is_notification:
                self.reply(rid, {"ok": True})
            self.stopping = True
            return
        fn = METHODS.get(method)
        if fn is None:
            if not is_notification:
                self.reply(rid, error={"code": METHOD_NOT_FOUND, "message": f"unknown method {method!r}"})
            return
        if not is_notification and rid in ACTIVE:
            self.reply(rid, error={"code": INVALID_REQUEST, "message": f"request id {rid!r} is already in flight"})
            return
        ctx = RequestContext(rid, self.notify)
        if not is_notification:
            ACTIVE[rid] = ctx
        if method in INLINE:
            self.execute(fn, method, params, ctx, is_notification)
        else:
            self.pool.submit(self.execute, fn, method, params, ctx, is_notification)

    def cancel(self, request_id) -> bool:
        if not isinstance(request_id, (str, int)):
            return False
        ctx = ACTIVE.get(request_id)
        if ctx is None:
            return False
        ctx.cancel()
        log(f"cancel requested for request {request_id!r}")
        return True

    def stop_request(self, request_id) -> bool:
        """Asks a request to finish early with what it has (GEPA: its best candidate so far)."""
        ctx = ACTIVE.get(request_id) if isinstance(request_id, (str, int)) else None
        if ctx is None:
            return False
        ctx.stop.set()
        log(f"stop requested for request {request_id!r}")
        return True

    def execute(self, fn, method, params, ctx, is_notification) -> None:
        error = result = None
        try:
            result = fn(params, ctx)
        except Cancelled:
            error = {"code": CANCELLED, "message": "cancelled"}
        except RpcError as e:
            error = e.to_json()
            error["message"] = scrub(error["message"], ctx)
            if e.code != INVALID_PARAMS:
                log(f"{method} failed: {error['message']}")
                traceback.print_exc(file=sys.stderr)
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            msg = scrub(f"{type(e).__name__}: {e}", ctx)
            code = -32002 if is_lm_error(e) else RUNTIME_ERROR
            error = {"code": code, "message": msg, "data": {"type": type(e).__name__}}
        finally:
            ACTIVE.pop(ctx.id, None)
        if not is_notification:
            self.reply(ctx.id, result, error)

    def stop(self) -> None:
        if self.on_stop is not None:
            self.on_stop()
        for ctx in list(ACTIVE.values()):
            ctx.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
