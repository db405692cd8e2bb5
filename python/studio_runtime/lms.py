"""LM configs -> DSPy LMs, applied per request with ``dspy.context(lm=...)``.

Config: ``{"provider": "anthropic" | "gemini" | "openai_compatible" | "simulated" | "dummy",
"model", "api_key"?, "api_base"?, "temperature"?, "max_tokens"?, "num_retries"?, "engine"?,
"latency_ms"? (simulated), "base_p"? (simulated), "answers"? (dummy), "follow_examples"? (dummy)}``.

Keys arrive per request and live only in the LM object: never logged, never written
(``program.save`` does not save ``api_key``). Real providers run with DSPy's cache off.
"""

from __future__ import annotations

import logging
import os

from .errors import InvalidParams

PROVIDERS = {"anthropic": "anthropic", "gemini": "gemini", "openai_compatible": "openai"}
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


def make_lm(cfg, cancel_check=None, where: str = "lm"):
    """Build the DSPy LM for ``cfg``; InvalidParams names the bad key."""
    if not isinstance(cfg, dict):
        raise InvalidParams(f"{where} must be an object with a provider", field=where)
    provider = cfg.get("provider")
    if provider == "simulated":
        from .simulated_lm import make_simulated_lm

        return make_simulated_lm(latency_ms=float(cfg.get("latency_ms") or 0),
                                 model="simulated/" + str(cfg.get("model") or "toy"),
                                 base_p=float(cfg.get("base_p", 0.25)), cancel_check=cancel_check)
    if provider == "dummy":
        from dspy.utils import DummyLM

        answers = cfg.get("answers")
        if not isinstance(answers, (list, dict)):
            raise InvalidParams(f"{where}.answers must be a list of output dicts (or a dict) for the dummy LM",
                                field=f"{where}.answers")
        return DummyLM(answers, follow_examples=bool(cfg.get("follow_examples", False)))
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
    import dspy

    kwargs = {"cache": False, "num_retries": int(cfg.get("num_retries", 2))}
    for key in ("api_key", "api_base", "temperature", "max_tokens"):
        if cfg.get(key) is not None:
            kwargs[key] = cfg[key]
    if provider == "openai_compatible" and "api_key" not in kwargs:
        kwargs["api_key"] = "not-needed"  # local servers (Ollama, vLLM) ignore it; litellm wants one
    engine = cfg.get("engine", "litellm")
    if engine not in ("litellm", "auto", "lm15"):
        raise InvalidParams(f"{where}.engine must be litellm, auto or lm15", field=f"{where}.engine")
    kwargs["engine"] = engine
    try:
        return dspy.LM(f"{prefix}/{model}", **kwargs)
    except (ValueError, TypeError) as e:
        raise InvalidParams(f"{where}: {e}", field=where) from e
