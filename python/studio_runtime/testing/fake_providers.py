"""Local fake provider servers speaking the Anthropic Messages and Gemini generateContent formats.

They answer with the simulated LM's logic, so a real ``dspy.LM('anthropic/...')`` or
``dspy.LM('gemini/...')`` pointed at them (``api_base``) runs the whole provider code path offline.

    python -m studio_runtime.testing.fake_providers

prints one JSON line ``{"anthropic": "http://127.0.0.1:PORT", "gemini": "http://127.0.0.1:PORT"}``
and serves until stdin closes or SIGTERM. Every request's path and model are logged to stderr;
headers (which carry the API key) never are.

Routes: Anthropic: ``POST .../messages`` (e.g. ``/v1/messages``); Gemini:
``POST .../models/{model}:generateContent`` (e.g. ``/v1beta/models/gemini-2.0-flash:generateContent``).
``GET /_requests`` returns the log as JSON (for tests). Env ``FAKE_PROVIDER_LATENCY_MS`` adds latency.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..simulated_lm import SimulatedBrain

GEMINI_PATH = re.compile(r"/models/([^/:]+):(generateContent|streamGenerateContent)$")


def _text_of(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    if isinstance(content, dict):
        return _text_of(content.get("parts") or content.get("text") or "")
    return ""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeProvider/1"

    def log_message(self, fmt, *args):  # the default logs to stderr with the request line only; keep quiet
        pass

    def _send(self, status, obj, stream_lines=None):
        if stream_lines is not None:
            body = "".join(stream_lines).encode()
            ctype = "text/event-stream"
        else:
            body = json.dumps(obj).encode()
            ctype = "application/json"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.split("?")[0] == "/_requests":
            with self.server.lock:
                self._send(200, list(self.server.requests))
            return
        self._send(404, {"error": {"message": f"no route GET {self.path}"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send(400, {"error": {"message": "body is not JSON"}})
            return
        kind = self.server.kind
        model = body.get("model") if kind == "anthropic" else (GEMINI_PATH.search(path).group(1)
                                                               if GEMINI_PATH.search(path) else None)
        print(f"[fake-{kind}] POST {path} model={model}", file=sys.stderr, flush=True)
        with self.server.lock:
            self.server.requests.append({"path": path, "model": model})
        if self.server.latency_ms:
            time.sleep(self.server.latency_ms / 1000)
        if kind == "anthropic":
            if not path.endswith("/messages"):
                self._send(404, {"type": "error", "error": {"type": "not_found_error", "message": f"no route {path}"}})
                return
            self._anthropic(body, model)
        else:
            m = GEMINI_PATH.search(path)
            if not m:
                self._send(404, {"error": {"code": 404, "message": f"no route {path}", "status": "NOT_FOUND"}})
                return
            self._gemini(body, m.group(1), m.group(2) == "streamGenerateContent")

    def _anthropic(self, body, model):
        messages = []
        system = body.get("system")
        if system:
            messages.append({"role": "system", "content": _text_of(system)})
        for m in body.get("messages") or []:
            messages.append({"role": m.get("role", "user"), "content": _text_of(m.get("content"))})
        text = self.server.brain.respond(messages, 1, f"{body.get('temperature')}")[0]
        usage = {"input_tokens": sum(len(m["content"]) for m in messages) // 4 + 1, "output_tokens": len(text) // 4 + 1}
        msg_id = f"msg_fake_{self.server.next_id()}"
        if body.get("stream"):
            events = [
                ("message_start", {"type": "message_start", "message": {
                    "id": msg_id, "type": "message", "role": "assistant", "model": model, "content": [],
                    "stop_reason": None, "stop_sequence": None, "usage": {**usage, "output_tokens": 0}}}),
                ("content_block_start", {"type": "content_block_start", "index": 0,
                                         "content_block": {"type": "text", "text": ""}}),
                ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                         "delta": {"type": "text_delta", "text": text}}),
                ("content_block_stop", {"type": "content_block_stop", "index": 0}),
                ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                   "usage": {"output_tokens": usage["output_tokens"]}}),
                ("message_stop", {"type": "message_stop"}),
            ]
            self._send(200, None, [f"event: {e}\ndata: {json.dumps(d)}\n\n" for e, d in events])
            return
        self._send(200, {"id": msg_id, "type": "message", "role": "assistant", "model": model,
                         "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                         "stop_sequence": None, "usage": usage})

    def _gemini(self, body, model, stream):
        messages = []
        if os.environ.get("FAKE_PROVIDER_DUMP"):
            print(json.dumps(body)[:3000], file=sys.stderr)
        sysi = body.get("systemInstruction") or body.get("system_instruction")
        if sysi:
            messages.append({"role": "system", "content": _text_of(sysi)})
        for i, c in enumerate(body.get("contents") or []):
            role = "assistant" if c.get("role") == "model" else "user"
            parts = c.get("parts") or []
            # litellm folds the system prompt into the first user turn as its own part when api_base is set
            if i == 0 and not sysi and role == "user" and len(parts) > 1 and \
                    "Your output fields are" in _text_of(parts[:1]):
                messages.append({"role": "system", "content": _text_of(parts[:1])})
                messages.append({"role": "user", "content": _text_of(parts[1:])})
                continue
            messages.append({"role": role, "content": _text_of(c)})
        cfg = body.get("generationConfig") or body.get("generation_config") or {}
        text = self.server.brain.respond(messages, 1, f"{cfg.get('temperature')}")[0]
        pin, pout = sum(len(m["content"]) for m in messages) // 4 + 1, len(text) // 4 + 1
        resp = {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP",
                                "index": 0}],
                "usageMetadata": {"promptTokenCount": pin, "candidatesTokenCount": pout, "totalTokenCount": pin + pout},
                "modelVersion": model}
        if stream:
            self._send(200, None, [f"data: {json.dumps(resp)}\n\n"])
            return
        self._send(200, resp)


class FakeProviderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, kind: str, port: int = 0, latency_ms: float = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.kind = kind
        self.brain = SimulatedBrain()
        self.latency_ms = latency_ms
        self.lock = threading.Lock()
        self.requests: list = []
        self._ids = 0
        self.thread = None

    def next_id(self) -> int:
        with self.lock:
            self._ids += 1
            return self._ids

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "FakeProviderServer":
        self.thread = threading.Thread(target=self.serve_forever, name=f"fake-{self.kind}", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def start_servers(latency_ms: float = 0) -> dict:
    """Start both servers on random ports; returns {"anthropic": server, "gemini": server}."""
    return {k: FakeProviderServer(k, 0, latency_ms).start() for k in ("anthropic", "gemini")}


def main() -> int:
    import os

    latency = float(os.environ.get("FAKE_PROVIDER_LATENCY_MS") or 0)
    servers = start_servers(latency)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    print(json.dumps({k: s.url for k, s in servers.items()}), flush=True)

    def wait_stdin():
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except (OSError, ValueError):
            pass
        done.set()

    threading.Thread(target=wait_stdin, daemon=True).start()
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    for s in servers.values():
        s.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
