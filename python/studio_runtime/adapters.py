"""The adapter of a request, chosen by the LM's ``structured_output`` setting, counting what it does.

- ``chat``: DSPy's ChatAdapter; when it cannot parse an answer it asks again with JSONAdapter
  (one more LM call): each such fallback is counted;
- ``json``: DSPy's JSONAdapter;
- ``openai_json_schema`` / ``llamacpp_json_schema`` / ``ollama_format``: JSONAdapter plus the signature's
  output JSON schema sent in the server's dialect, so the server constrains the answer to it:
  OpenAI ``response_format {"type": "json_schema", ...}``, llama.cpp ``response_format
  {"type": "json_object", "schema": ...}``, Ollama ``format: <schema>`` (an extra body field).

Counted per request (``AdapterCounts``): adapter calls, answers that failed to parse, fallbacks to
JSONAdapter.
"""

from __future__ import annotations

import threading

FIELDS = ("calls", "parse_failures", "fallbacks")


class AdapterCounts:
    def __init__(self):
        self._lock = threading.Lock()
        self.totals = dict.fromkeys(FIELDS, 0)

    def add(self, key: str):
        with self._lock:
            self.totals[key] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return dict(self.totals)


def output_schema(signature) -> dict:
    """The JSON schema of a signature's outputs (the one OpenAI structured outputs take)."""
    from dspy.adapters.json_adapter import _get_structured_outputs_response_format

    return _get_structured_outputs_response_format(signature).model_json_schema()


_CLASSES = None


def _classes():
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    import dspy
    from dspy.utils.exceptions import AdapterParseError

    class Counting:
        counts: AdapterCounts

        def parse(self, signature, completion):
            try:
                return super().parse(signature, completion)
            except AdapterParseError:
                self.counts.add("parse_failures")
                raise

        def __call__(self, lm, lm_kwargs, signature, demos, inputs):
            self.counts.add("calls")
            return super().__call__(lm, lm_kwargs, signature, demos, inputs)

    class StudioJSONAdapter(Counting, dspy.JSONAdapter):
        def __init__(self, counts, mode="json"):
            super().__init__()
            self.counts = counts
            self.mode = mode

        def _prepare_response_format(self, lm, lm_kwargs, signature):
            if self.mode == "json":
                return super()._prepare_response_format(lm, lm_kwargs, signature)
            schema = output_schema(signature)
            if self.mode == "openai_json_schema":
                lm_kwargs["response_format"] = {"type": "json_schema",
                                                "json_schema": {"name": "outputs", "schema": schema, "strict": True}}
            elif self.mode == "llamacpp_json_schema":
                lm_kwargs["response_format"] = {"type": "json_object", "schema": schema}
            else:
                lm_kwargs["extra_body"] = {**(lm_kwargs.get("extra_body") or {}), "format": schema}

    class StudioChatAdapter(Counting, dspy.ChatAdapter):
        def __init__(self, counts):
            super().__init__()
            self.counts = counts

        def _make_json_adapter_fallback(self):
            self.counts.add("fallbacks")
            return StudioJSONAdapter(self.counts)

    _CLASSES = (StudioChatAdapter, StudioJSONAdapter)
    return _CLASSES


def make_adapter(mode: str, counts: AdapterCounts):
    chat, json_adapter = _classes()
    return chat(counts) if mode == "chat" else json_adapter(counts, mode)
