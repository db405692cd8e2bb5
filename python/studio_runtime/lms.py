"""LM configs -> DSPy LMs, applied per request with ``dspy.context(lm=...)``.

Config: ``{"provider": "anthropic" | "gemini" | "openai_compatible" | "simulated" | "dummy",
"model", "api_key"?, "api_base"?, "temperature"?, "max_tokens"?, "num_retries"?, "timeout_s"?,
"num_threads"?, "requests_per_minute"?, "structured_output"?, "engine"?,
"latency_ms"? (simulated), "base_p"? (simulated), "faults"? (simulated), "answers"? (dummy),
"follow_examples"? (dummy)}``.

Real and simulated LMs call through ``request_policy.RequestPolicy`` (timeouts, retries, pacing).

Keys arrive per request and live only in the LM object: never logged, never written
(``program.save`` does not save ``api_key``). Real providers run with DSPy's cache off.
"""

from __future__ import annotations

import logging
import os

from .errors import InvalidParams
from .faults import parse_faults
from .request_policy import PolicyCalls, RequestPolicy

PROVIDERS = {"anthropic": "anthropic", "gemini": "gemini", "openai_compatible": "openai"}
STRUCTURED_OUTPUT = ("chat", "json", "openai_json_schema", "llamacpp_json_schema", "ollama_format")
_quiet_done = False


def quiet_litellm() -> None:
    """Turn off litellm telemetry and message/key logging (idempotent)."""
    global _quiet_done
    if _quiet_done:
        return
    _quiet_done = True
    os.environ.setdefault("LITELLM_LOG", "ERROR")
    os.environ.setdefault("LITELLM_TELEMETRY", "False")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        import litellm

        litellm.telemetry = False
        litellm.turn_off_message_logging = True
        litellm.suppress_debug_info = True
        litellm.set_verbose = False
        litellm.success_callback = []
        litellm.failure_callback = []
    except Exception:  # pragma: no cover - litellm is pinned; keep the runtime usable without it
        pass
    for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.ERROR)


def describe(cfg) -> str:
    """A log-safe one-line description (no key)."""
    if not isinstance(cfg, dict):
        return "<no lm>"
    return f"{cfg.get('provider')}/{cfg.get('model')}" + (f" @ {cfg['api_base']}" if cfg.get("api_base") else "")


def _number(cfg, key, where, lo, hi, default, kind=float):
    v = cfg.get(key)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi or (kind is int and v != int(v)):
        raise InvalidParams(f"{where}.{key} must be {'an integer' if kind is int else 'a number'} in {lo}..{hi} "
                            f"(got {v!r})", field=f"{where}.{key}")
    return kind(v)


def request_settings(cfg, where="lm") -> dict:
    """The request settings of an LM config, validated, with the runtime's defaults."""
    mode = cfg.get("structured_output", "chat")
    if mode not in STRUCTURED_OUTPUT:
        raise InvalidParams(f"{where}.structured_output must be one of {', '.join(STRUCTURED_OUTPUT)} (got {mode!r})",
                            field=f"{where}.structured_output")
    return {"timeout_s": _number(cfg, "timeout_s", where, 1, 3600, None),
            "num_retries": _number(cfg, "num_retries", where, 0, 10, 2, int),
            "num_threads": _number(cfg, "num_threads", where, 1, 64, 1, int),
            "requests_per_minute": _number(cfg, "requests_per_minute", where, 1, 100_000, None, int),
            "structured_output": mode}


def make_lm(cfg, cancel_check=None, where: str = "lm", on_retry=None, in_flight=None):
    """Build the DSPy LM for ``cfg``; InvalidParams names the bad key. The LM carries ``studio``: its
    request settings (``num_threads``, ``structured_output``, ...)."""
    if not isinstance(cfg, dict):
        raise InvalidParams(f"{where} must be an object with a provider", field=where)
    provider = cfg.get("provider")
    settings = request_settings(cfg, where)
    policy = RequestPolicy(f"{provider}|{cfg.get('api_base')}|{cfg.get('model')}", settings["num_retries"],
                           settings["requests_per_minute"], cancel_check, on_retry, in_flight)
    if provider == "simulated":
        from .simulated_lm import make_simulated_lm

        lm = make_simulated_lm(latency_ms=float(cfg.get("latency_ms") or 0),
                               model="simulated/" + str(cfg.get("model") or "toy"),
                               base_p=float(cfg.get("base_p", 0.25)), cancel_check=cancel_check,
                               faults=parse_faults(cfg.get("faults"), f"{where}.faults"), policy=policy)
        lm.studio = settings
        return lm
    if provider == "dummy":
        from dspy.utils import DummyLM

        answers = cfg.get("answers")
        if not isinstance(answers, (list, dict)):
            raise InvalidParams(f"{where}.answers must be a list of output dicts (or a dict) for the dummy LM",
                                field=f"{where}.answers")
        lm = DummyLM(answers, follow_examples=bool(cfg.get("follow_examples", False)))
        lm.studio = settings
        return lm
    if provider not in PROVIDERS:
        raise InvalidParams(f"{where}.provider must be one of anthropic, gemini, openai_compatible, simulated, "
                            f"dummy (got {provider!r})", field=f"{where}.provider")
    model = cfg.get("model")
    if not isinstance(model, str) or not model.strip():
        raise InvalidParams(f"{where}.model is required for provider {provider}", field=f"{where}.model")
    prefix = PROVIDERS[provider]
    model = model.strip()
    if model.startswith(prefix + "/"):
        model = model[len(prefix) + 1:]
    if provider == "openai_compatible" and not cfg.get("api_base"):
        raise InvalidParams(f"{where}.api_base is required for an OpenAI-compatible server", field=f"{where}.api_base")
    quiet_litellm()

    # DSPy's retries are off: the policy retries, after the timed-out request's connection is closed.
    kwargs = {"cache": False, "num_retries": 0}
    for key in ("api_key", "api_base", "temperature", "max_tokens"):
        if cfg.get(key) is not None:
            kwargs[key] = cfg[key]
    if settings["timeout_s"] is not None:
        kwargs["timeout"] = settings["timeout_s"]
    if provider == "openai_compatible" and "api_key" not in kwargs:
        kwargs["api_key"] = "not-needed"  # local servers (Ollama, vLLM) ignore it; litellm wants one
    engine = cfg.get("engine", "litellm")
    if engine not in ("litellm", "auto", "lm15"):
        raise InvalidParams(f"{where}.engine must be litellm, auto or lm15", field=f"{where}.engine")
    kwargs["engine"] = engine
    try:
        lm = _studio_lm_class()(f"{prefix}/{model}", **kwargs)
    except (ValueError, TypeError) as e:
        raise InvalidParams(f"{where}: {e}", field=where) from e
    lm.policy = policy
    lm.endpoint = cfg.get("api_base") or provider
    lm.studio = settings
    return lm


_STUDIO_LM = None


def _studio_lm_class():
    global _STUDIO_LM
    if _STUDIO_LM is None:
        import dspy

        class StudioLM(PolicyCalls, dspy.LM):
            """A ``dspy.LM`` whose every request goes through the provider's request policy."""

        _STUDIO_LM = StudioLM
    return _STUDIO_LM
