"""Fault modes of the sloppy-model test double (the simulated LM and the fake provider servers).

A fault config is a dict, every key optional:

- ``format_violation_rate`` (0..1): that share of answers drops the adapter's format (no field markers,
  no JSON), chosen by a hash of the prompt and the call number, so a run is reproducible;
- ``overlong`` (bool): every answer rambles before it; with ``max_tokens`` set it is cut off there
  (``finish_reason`` "length"), so the fields never arrive;
- ``echo`` (bool): every answer is the last user message, echoed;
- ``first_token_ms``: wait this long before answering;
- ``http_errors``: a list of HTTP statuses the next requests fail with, one per request
  (e.g. ``[429, 500]``); a 429 carries ``Retry-After: retry_after_s`` (default 1);
- ``drop``: the next this-many requests lose their connection without an answer.

Answer faults (the first four) apply to the simulated LM and the servers; the last two act on
requests: the servers answer with the status or drop the connection, the simulated LM raises DSPy's
matching error.
"""

from __future__ import annotations

import threading

from .datasets import stable_hash
from .errors import InvalidParams

KEYS = {"format_violation_rate", "overlong", "echo", "first_token_ms", "http_errors", "retry_after_s", "drop"}
RAMBLE = "Let me think about this very carefully, one word at a time, before answering. "


def parse_faults(cfg, where="faults") -> dict:
    if cfg is None:
        return {}
    if not isinstance(cfg, dict):
        raise InvalidParams(f"{where} must be an object", field=where)
    unknown = sorted(set(cfg) - KEYS)
    if unknown:
        raise InvalidParams(f"{where}.{unknown[0]} is not a fault mode ({', '.join(sorted(KEYS))})",
                            field=f"{where}.{unknown[0]}")
    rate = cfg.get("format_violation_rate", 0)
    if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise InvalidParams(f"{where}.format_violation_rate must be between 0 and 1", field=f"{where}.format_violation_rate")
    errors = cfg.get("http_errors", [])
    if not isinstance(errors, list) or not all(isinstance(s, int) and 400 <= s <= 599 for s in errors):
        raise InvalidParams(f"{where}.http_errors must be a list of HTTP error statuses", field=f"{where}.http_errors")
    for key in ("first_token_ms", "retry_after_s", "drop"):
        v = cfg.get(key, 0)
        if not isinstance(v, (int, float)) or v < 0:
            raise InvalidParams(f"{where}.{key} must be a number >= 0", field=f"{where}.{key}")
    return dict(cfg)


class Faults:
    """The fault state of one LM or server: the request faults are used up one request at a time."""

    def __init__(self, cfg=None):
        cfg = parse_faults(cfg)
        self.rate = float(cfg.get("format_violation_rate", 0))
        self.overlong = bool(cfg.get("overlong", False))
        self.echo = bool(cfg.get("echo", False))
        self.first_token_s = float(cfg.get("first_token_ms", 0)) / 1000
        self.retry_after_s = float(cfg.get("retry_after_s", 1))
        self._errors = list(cfg.get("http_errors", []))
        self._drops = int(cfg.get("drop", 0))
        self._calls = 0
        self._lock = threading.Lock()

    def next_request_fault(self):
        """None, ``"drop"``, or an HTTP status for this request (each listed one is used once)."""
        with self._lock:
            if self._drops:
                self._drops -= 1
                return "drop"
            if self._errors:
                return self._errors.pop(0)
        return None

    def answer(self, text: str, prompt: str, last_user: str, max_tokens=None) -> tuple[str, str]:
        """The answer after the answer faults, and its finish reason."""
        with self._lock:
            self._calls += 1
            call = self._calls
        if self.echo:
            return last_user, "stop"
        if self.rate and (stable_hash("violate", prompt, call) % 10_000) / 10_000 < self.rate:
            # The fields' values without any of the adapter's markers: neither adapter can parse it.
            text = "Sure! " + " ".join(line for line in text.splitlines() if line and "[[ ##" not in line)
            text = text.replace("{", "").replace("}", "").replace('"', "")
        if self.overlong:
            text = RAMBLE * 80 + text
            if max_tokens and len(text) > 4 * int(max_tokens):
                return text[: 4 * int(max_tokens)], "length"
        return text, "stop"
