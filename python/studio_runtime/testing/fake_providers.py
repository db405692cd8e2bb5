"""Local fake provider servers speaking the Anthropic Messages, Gemini generateContent and OpenAI chat
completions formats, with the sloppy-model fault modes of ``studio_runtime.faults``.

They answer with the simulated LM's logic, so a real ``dspy.LM('anthropic/...')`` or
``dspy.LM('gemini/...')`` pointed at them (``api_base``) runs the whole provider code path offline.

    python -m studio_runtime.testing.fake_providers

prints one JSON line ``{"anthropic": "http://127.0.0.1:PORT", "gemini": "...", "openai": "..."}``
and serves until stdin closes or SIGTERM. Every request's path and model are logged to stderr;
headers (which carry the API key) never are.

Routes: Anthropic: ``POST .../messages`` (e.g. ``/v1/messages``); Gemini:
``POST .../models/{model}:generateContent`` (e.g. ``/v1beta/models/gemini-2.0-flash:generateContent``).
OpenAI: ``POST .../chat/completions`` (e.g. ``/v1/chat/completions``, what llama.cpp, Ollama, vLLM and
LM Studio serve); its log also keeps each request's ``response_format``, ``format`` and ``max_tokens``.
``GET /_requests`` returns the log as JSON (for tests): per request its path, model, start time
(``t``, seconds since the epoch), the requests in flight when it arrived (``in_flight``) and, when the client hung up before the answer, ``closed`` (when).
``POST /_faults`` with a fault config (``faults.parse_faults``) replaces the server's faults and clears the
log. Env ``FAKE_PROVIDER_LATENCY_MS`` adds latency, ``FAKE_PROVIDER_FAULTS`` (JSON) sets the faults.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..errors import InvalidParams
from ..faults import Faults
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

    def _wait_or_hangup(self, seconds: float, entry: dict) -> bool:
        """Waits ``seconds``; False (and ``entry["closed"]`` set) when the client hung up meanwhile."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.02))
            if readable:
                try:
                    gone = self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    gone = True
                if gone:
                    with self.server.lock:
                        entry["closed"] = time.time()
                    return False
        return True

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send(400, {"error": {"message": "body is not JSON"}})
            return
        if path == "/_faults":
            try:
                faults = Faults(body)
            except InvalidParams as e:
                self._send(400, {"error": {"message": e.message}})
                return
            with self.server.lock:
                self.server.faults = faults
                self.server.requests.clear()
            self._send(200, {"ok": True})
            return
        kind = self.server.kind
        model = body.get("model") if kind in ("anthropic", "openai") else (GEMINI_PATH.search(path).group(1)
                                                                          if GEMINI_PATH.search(path) else None)
        print(f"[fake-{kind}] POST {path} model={model}", file=sys.stderr, flush=True)
        entry = {"path": path, "model": model, "t": time.time()}
        if kind == "openai":
            entry.update({k: body[k] for k in ("response_format", "format", "max_tokens", "temperature") if k in body})
        with self.server.lock:
            self.server.requests.append(entry)
            self.server.in_flight += 1
            entry["in_flight"] = self.server.in_flight
        try:
            self._answer(path, body, kind, model, entry)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    def _answer(self, path, body, kind, model, entry):
        if self.server.latency_ms:
            time.sleep(self.server.latency_ms / 1000)
        faults = self.server.faults
        fault = faults.next_request_fault()
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None:
            self.send_response(fault)
            if fault == 429:
                self.send_header("Retry-After", f"{faults.retry_after_s:g}")
            err = json.dumps({"error": {"message": f"fake {fault}", "type": "server_error" if fault >= 500 else "rate_limit"}}).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(err)))
            self.end_headers()
            self.wfile.write(err)
            return
        if faults.first_token_s and not self._wait_or_hangup(faults.first_token_s, entry):
            return
        if kind == "openai":
            if not path.endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"no route {path}"}})
                return
            self._openai(body, model)
        elif kind == "anthropic":
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

    def _openai(self, body, model):
        messages = [{"role": m.get("role", "user"), "content": _text_of(m.get("content"))} for m in body.get("messages") or []]
        text = self.server.brain.respond(messages, 1, f"{body.get('temperature')}")[0]
        prompt = "\n".join(m["content"] for m in messages)
        last_user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        text, finish = self.server.faults.answer(text, prompt, last_user, body.get("max_tokens"))
        pin, pout = len(prompt) // 4 + 1, len(text) // 4 + 1
        resp = {"id": f"chatcmpl-fake-{self.server.next_id()}", "object": "chat.completion", "created": int(time.time()),
                "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                             "finish_reason": finish}],
                "usage": {"prompt_tokens": pin, "completion_tokens": pout, "total_tokens": pin + pout}}
        if body.get("stream"):
            chunk = {**resp, "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": finish}]}
            self._send(200, None, [f"data: {json.dumps(chunk)}\n\n", "data: [DONE]\n\n"])
            return
        self._send(200, resp)

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

    def __init__(self, kind: str, port: int = 0, latency_ms: float = 0, faults=None):
        super().__init__(("127.0.0.1", port), _Handler)
        self.kind = kind
        self.faults = Faults(faults)
        self.brain = SimulatedBrain()
        self.latency_ms = latency_ms
        self.lock = threading.Lock()
        self.requests: list = []
        self.in_flight = 0
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


def start_servers(latency_ms: float = 0, faults=None) -> dict:
    """Start the servers on random ports; returns {"anthropic": server, "gemini": server, "openai": server}."""
    return {k: FakeProviderServer(k, 0, latency_ms, faults).start() for k in ("anthropic", "gemini", "openai")}


def main() -> int:
    import os

    latency = float(os.environ.get("FAKE_PROVIDER_LATENCY_MS") or 0)
    servers = start_servers(latency, json.loads(os.environ.get("FAKE_PROVIDER_FAULTS") or "null"))
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
