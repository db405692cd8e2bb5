"""The JSON-RPC methods (dispatch table ``METHODS``). See docs/python-runtime.md for params/results.

Every method is ``fn(params: dict, ctx: RequestContext) -> dict``. ``ctx`` carries the request id,
the cancel flag, the LM call counter and ``progress()`` for notifications.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time

from .errors import Cancelled, InvalidParams, LMError, RpcError
from .metrics import Metric, jsonable, parse_metric

START = time.time()
ACTIVE: dict = {}  # request id -> RequestContext (filled by the server)


class RequestContext:
    def __init__(self, request_id=None, notify=None):
        self.id = request_id
        self.cancelled = threading.Event()
        self.notify = notify
        self.lm_calls = 0
        self._lock = threading.Lock()
        self.secrets: list[str] = []
        # Progress throttling (off unless a method sets progress_interval): within one phase at most one
        # notification per interval; the latest held one is sent before the next phase's first, so every
        # phase ends with its exact last numbers and the phase order is kept.
        self.progress_interval = 0.0
        self._last_phase = None
        self._last_sent = 0.0
        self._pending = None

    def check(self):
        if self.cancelled.is_set():
            raise Cancelled()

    def count_lm_call(self):
        with self._lock:
            self.lm_calls += 1
        self.check()

    def progress(self, **params):
        if self.notify is None:
            return
        payload = {"request_id": self.id, **params, "lm_calls": self.lm_calls}
        if self.progress_interval <= 0:
            self.notify("progress", payload)
            return
        now = time.monotonic()
        phase = params.get("phase")
        if phase != self._last_phase:
            self.flush_progress()
            self._last_phase = phase
        elif now - self._last_sent < self.progress_interval:
            self._pending = payload  # superseded by a later one, or sent at the phase's end
            return
        self._pending = None
        self._last_sent = now
        self.notify("progress", payload)

    def flush_progress(self):
        pending, self._pending = self._pending, None
        if pending is not None and self.notify is not None:
            self._last_sent = time.monotonic()
            self.notify("progress", pending)


_LM_COUNTER_CLASS = None


def _lm_counter(ctx):
    """An LM-instance callback: counts every call of this LM (and its copies) and honours cancel
    before each. Attached to the LM rather than to ``dspy.context(callbacks=...)``: a context-wide
    callback makes DSPy run its callback machinery (inspect.getcallargs, uuid4, handler lookup) around
    every module, predictor and adapter call too, which was most of the runtime's overhead."""
    global _LM_COUNTER_CLASS
    if _LM_COUNTER_CLASS is None:
        from dspy.utils.callback import BaseCallback

        class StudioLMCounter(BaseCallback):
            def __init__(self, ctx):
                self.ctx = ctx

            def on_lm_start(self, call_id, instance, inputs):
                self.ctx.count_lm_call()

        _LM_COUNTER_CLASS = StudioLMCounter
    return _LM_COUNTER_CLASS(ctx)


def _evaluate_callback(on_evaluate_end):
    from dspy.utils.callback import BaseCallback

    class StudioEvaluateCallback(BaseCallback):
        def on_evaluate_end(self, call_id, outputs, exception=None):
            if exception is None and outputs is not None:
                on_evaluate_end(outputs)

    return StudioEvaluateCallback()


# -- helpers --------------------------------------------------------------------------------
def _require(params, key, kind, where=None):
    v = params.get(key)
    if not isinstance(v, kind):
        name = where or key
        raise InvalidParams(f"{name} is required ({_kind_name(kind)})", field=name)
    return v


def _kind_name(kind):
    if kind is dict:
        return "an object"
    if kind is list:
        return "a list"
    return getattr(kind, "__name__", str(kind))


def _program(params):
    from .programs import load_program

    spec = params.get("program")
    if spec is None:
        raise InvalidParams("program is required", field="program")
    return load_program(spec)


def _make_lm(params, ctx, key="lm"):
    from .lms import make_lm

    cfg = params.get(key)
    if cfg is None:
        raise InvalidParams(f"{key} is required (an LM config with a provider)", field=key)
    if isinstance(cfg, dict) and isinstance(cfg.get("api_key"), str) and cfg["api_key"]:
        ctx.secrets.append(cfg["api_key"])
    lm = make_lm(cfg, cancel_check=ctx.check, where=key)
    lm.callbacks = [*(getattr(lm, "callbacks", None) or []), _lm_counter(ctx)]  # copies keep it
    return lm


def _adapter(params):
    import dspy

    name = params.get("adapter", "chat")
    if name == "chat":
        return dspy.ChatAdapter()
    if name == "json":
        return dspy.JSONAdapter()
    raise InvalidParams("adapter must be 'chat' or 'json'", field="adapter")


def _apply_state(program, state, where="program_state"):
    if state is None:
        return
    if not isinstance(state, dict):
        raise InvalidParams(f"{where} must be the JSON object program.save() wrote", field=where)
    fd, path = tempfile.mkstemp(suffix=".json", prefix="studio-state-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        program.load(path)
    except InvalidParams:
        raise
    except Exception as e:
        raise InvalidParams(f"{where} does not fit this program: {e}", field=where) from e
    finally:
        os.unlink(path)


def program_state(program) -> dict:
    """Exactly the JSON ``program.save(path.json)`` writes."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="studio-state-")
    os.close(fd)
    try:
        program.save(path)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(path)


def _key(inputs: dict) -> str:
    return json.dumps(jsonable(inputs), sort_keys=True)


def _examples(items, info, where):
    import dspy

    if not isinstance(items, list):
        raise InvalidParams(f"{where} must be a list of {{inputs, outputs}}", field=where)
    out, ids = [], {}
    for i, item in enumerate(items):
        w = f"{where}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("inputs"), dict):
            raise InvalidParams(f"{w} must be an object with an 'inputs' object", field=w)
        inputs, outputs = item["inputs"], item.get("outputs") or {}
        if not isinstance(outputs, dict):
            raise InvalidParams(f"{w}.outputs must be an object", field=f"{w}.outputs")
        for name in info.input_fields:
            if name not in inputs:
                raise InvalidParams(f"{w}.inputs lacks the input field '{name}'", field=f"{w}.inputs.{name}")
        ex = dspy.Example(**{k: inputs[k] for k in info.input_fields}, **outputs).with_inputs(*info.input_fields)
        out.append(ex)
        if item.get("id") is not None:
            ids[_key({k: inputs[k] for k in info.input_fields})] = item["id"]
    return out, ids, [item.get("id") for item in items]


def _is_lm_error(e: BaseException) -> bool:
    mod = type(e).__module__ or ""
    names = {c.__name__ for c in type(e).__mro__}
    return (mod.startswith(("litellm", "openai", "httpx", "anthropic", "dspy._vendor.lm15", "dspy.clients"))
            or bool(names & {"APIError", "APIConnectionError", "LMError", "ProviderError", "TransportError",
                             "AuthenticationError", "RateLimitError", "Timeout", "ServiceUnavailableError"}))


def _predict_outputs(pred) -> dict:
    return {k: jsonable(v) for k, v in pred.items()}


def _evaluate(program, examples, metric, ctx, phase, total_hint=None, report=True):
    """Sequential evaluation; per-example scores, outputs and errors. Honours cancel."""
    scores, outputs, errors = [], [], []
    first_exc = None
    running = 0.0
    for i, ex in enumerate(examples):
        ctx.check()
        try:
            pred = program(**ex.inputs())
            s = metric.score(ex, pred)
            outputs.append(_predict_outputs(pred))
            errors.append(None)
        except Cancelled:
            raise
        except Exception as e:  # a failed example scores 0; the reason is kept
            print(f"[studio_runtime] {phase} example {i} failed: {type(e).__name__}: {e}", file=sys.stderr)
            s = 0.0
            outputs.append(None)
            errors.append(f"{type(e).__name__}: {_scrub(str(e), ctx)}")
            first_exc = first_exc or e
        scores.append(s)
        running += s
        if report:
            ctx.progress(phase=phase, trial=i + 1, total_trials=len(examples), score=s,
                         best_score=round(running / (i + 1), 6))
    ctx.check()
    if examples and all(err is not None for err in errors):
        cls = LMError if _is_lm_error(first_exc) else RpcError
        raise cls(f"every example failed ({phase}); first error: {errors[0]}")
    mean = sum(scores) / len(scores) if scores else 0.0
    return {"scores": scores, "mean": mean, "outputs": outputs, "errors": errors}


def _scrub(msg: str, ctx) -> str:
    for s in ctx.secrets:
        if s:
            msg = msg.replace(s, "***")
    return msg


def _ctx(lm, ctx, params, **extra):
    """The request's DSPy context. LM calls are counted by the LM's own callback (see _make_lm); a
    context-wide callback is installed only when the optimizer's Evaluate results are wanted."""
    import dspy

    on_evaluate_end = extra.pop("on_evaluate_end", None)
    callbacks = [_evaluate_callback(on_evaluate_end)] if on_evaluate_end is not None else []
    return dspy.context(lm=lm, callbacks=callbacks, adapter=_adapter(params), **extra)


# -- methods --------------------------------------------------------------------------------
def health(params, ctx):
    return {"ok": True, "uptime_s": round(time.time() - START, 3), "pid": os.getpid(), "rss_bytes": _rss(),
            "active_requests": len(ACTIVE)}


def _rss() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r if sys.platform == "darwin" else r * 1024


def versions(params, ctx):
    import dspy
    import pydantic

    from . import PROTOCOL_VERSION, __version__

    def ver(mod):
        try:
            from importlib.metadata import version

            return version(mod)
        except Exception:
            return None

    return {"protocol": PROTOCOL_VERSION, "runtime": __version__, "python": platform.python_version(),
            "dspy": dspy.__version__, "pydantic": pydantic.VERSION, "litellm": ver("litellm"),
            "optuna": ver("optuna"), "executable": sys.executable, "platform": platform.platform(),
            "dspy_cachedir": os.environ.get("DSPY_CACHEDIR")}


def run(params, ctx):
    info = _program(params)
    inputs = _require(params, "inputs", dict)
    for name in info.input_fields:
        if name not in inputs:
            raise InvalidParams(f"inputs lacks the input field '{name}'", field=f"inputs.{name}")
    program = info.build()
    _apply_state(program, params.get("program_state"))
    lm = _make_lm(params, ctx)
    try:
        with _ctx(lm, ctx, params, track_usage=True):
            pred = program(**{k: inputs[k] for k in info.input_fields})
    except (Cancelled, RpcError):
        raise
    except Exception as e:
        if _is_lm_error(e):
            raise LMError(f"{type(e).__name__}: {_scrub(str(e), ctx)}") from e
        raise RpcError(f"{type(e).__name__}: {_scrub(str(e), ctx)}") from e
    usage = None
    try:
        usage = jsonable(pred.get_lm_usage()) or None
    except Exception:
        pass
    return {"outputs": _predict_outputs(pred), "lm_calls": ctx.lm_calls, "usage": usage}


def _metric(params, info, ctx, on_call=None):
    spec = parse_metric(params.get("metric"))
    judge = None
    if spec["name"] == "llm_judge" and spec.get("lm") is not None:
        judge = _make_lm(spec, ctx, key="lm")
    return Metric(spec, info.output_fields, judge_lm=judge, on_call=on_call)


def evaluate(params, ctx):
    info = _program(params)
    examples, _, ids = _examples(params.get("dataset"), info, "dataset")
    if not examples:
        raise InvalidParams("dataset is empty", field="dataset")
    program = info.build()
    _apply_state(program, params.get("program_state"))
    lm = _make_lm(params, ctx)
    metric = _metric(params, info, ctx)
    with _ctx(lm, ctx, params):
        res = _evaluate(program, examples, metric, ctx, "evaluate")
    return {"scores": res["scores"], "mean": res["mean"], "ids": ids, "outputs": res["outputs"],
            "errors": res["errors"], "metric": metric.name, "lm_calls": ctx.lm_calls}


STRATEGIES = ("bootstrap_few_shot", "copro", "mipro")
PROGRESS_INTERVAL_S = 0.05


def _int(opt, key, default, lo=0, where="params"):
    v = opt.get(key, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise InvalidParams(f"{where}.{key} must be an integer >= {lo}", field=f"{where}.{key}")
    return v


def _num(opt, key, default, where="params"):
    v = opt.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InvalidParams(f"{where}.{key} must be a number", field=f"{where}.{key}")
    return float(v)


def optimize(params, ctx):
    import dspy

    t0 = time.time()
    # Coalesce progress: bursts of per-example/per-metric-call notifications (fast LMs) collapse to at
    # most one per 50 ms within a phase; phase changes and each phase's last numbers always go out.
    ctx.progress_interval = PROGRESS_INTERVAL_S
    strategy = params.get("strategy")
    if strategy not in STRATEGIES:
        raise InvalidParams(f"strategy must be one of {', '.join(STRATEGIES)} (got {strategy!r})", field="strategy")
    opt = params.get("params") or {}
    if not isinstance(opt, dict):
        raise InvalidParams("params must be an object", field="params")
    info = _program(params)
    trainset, train_ids, _ = _examples(params.get("trainset"), info, "trainset")
    if not trainset:
        raise InvalidParams("trainset is empty", field="trainset")
    dev_source = "devset"
    if params.get("devset"):
        devset, dev_ids_map, dev_ids = _examples(params.get("devset"), info, "devset")
    else:
        devset, dev_ids_map, dev_ids = trainset, train_ids, [train_ids.get(_key(e.inputs().toDict())) for e in trainset]
        dev_source = "trainset"
    id_of = {**dev_ids_map, **train_ids}
    num_threads = _int(opt, "num_threads", 1, lo=1)

    if strategy == "mipro":
        try:
            import optuna  # noqa: F401
        except ImportError as e:
            raise RpcError("MIPROv2 needs optuna, which is not installed in this runtime: run the app's setup "
                           "(npm run setup) to install python/requirements.lock",
                           data={"missing": "optuna"}) from e
        if len(trainset) < 2:
            raise InvalidParams("MIPROv2 needs at least 2 training examples", field="trainset")

    lm = _make_lm(params, ctx)
    student = info.build()
    _apply_state(student, params.get("program_state"))

    state = {"trial": 0, "best": None, "metric_calls": 0, "phase": "baseline"}
    total = None
    if strategy == "bootstrap_few_shot":
        total = len(trainset) * (_int(opt, "max_rounds", 1, lo=1) or 1)
    elif strategy == "copro":
        total = (_int(opt, "depth", 3, lo=1) or 1) * (_int(opt, "breadth", 10, lo=2) or 2)
    elif opt.get("auto") is None and opt.get("num_trials") is not None:
        total = _int(opt, "num_trials", None, lo=1)

    def on_metric(score):
        ctx.check()
        if opt.get("_test_print"):  # test aid: stray output inside an optimizer must not reach the protocol
            print(f"stray print from the metric (score {score})")
            os.write(1, b"stray raw write to fd 1\n")
        if state["phase"] == "compile" and strategy == "bootstrap_few_shot":
            state["metric_calls"] += 1
            state["best"] = max(state["best"] or 0.0, score)
            ctx.progress(phase="compile", trial=state["metric_calls"], total_trials=total, score=score,
                         best_score=state["best"])

    def on_eval_end(result):
        if state["phase"] != "compile":
            return
        score = getattr(result, "score", None)
        if score is None and isinstance(result, (int, float)):
            score = result
        if score is not None:
            score = float(score) / 100.0 if float(score) > 1.0 else float(score)
            state["best"] = score if state["best"] is None else max(state["best"], score)
        state["trial"] += 1
        ctx.progress(phase="compile", trial=state["trial"], total_trials=total, score=score,
                     best_score=state["best"])

    metric = _metric(params, info, ctx, on_call=on_metric)
    ctx.progress(phase="baseline", trial=0, total_trials=len(devset), score=None, best_score=None)
    with _ctx(lm, ctx, params):
        baseline = _evaluate(student, devset, metric, ctx, "baseline")
    state["phase"] = "compile"
    ctx.progress(phase="compile", trial=0, total_trials=total, score=baseline["mean"], best_score=baseline["mean"])

    # BootstrapFewShot runs no dspy.Evaluate (its progress comes from the metric calls), so it compiles
    # without the context-wide Evaluate callback and DSPy's per-call callback machinery stays off.
    with _ctx(lm, ctx, params, on_evaluate_end=None if strategy == "bootstrap_few_shot" else on_eval_end):
        optimized = _compile(strategy, opt, student, trainset, devset, metric, num_threads, dev_source)
    ctx.check()
    state["phase"] = "final"
    with _ctx(lm, ctx, params):
        final = _evaluate(optimized, devset, metric, ctx, "final")

    demos, instructions = {}, {}
    for name, pred in optimized.named_predictors():
        instructions[name] = pred.signature.instructions
        items = []
        for d in pred.demos:
            dd = d.toDict() if hasattr(d, "toDict") else dict(d)
            ins = {k: dd[k] for k in info.input_fields if k in dd}
            items.append({"id": id_of.get(_key(ins)), "augmented": bool(dd.get("augmented", False)),
                          "values": jsonable({k: v for k, v in dd.items() if k != "augmented"})})
        demos[name] = items
    result = {
        "strategy": strategy,
        "baseline_score": baseline["mean"],
        "optimized_score": final["mean"],
        "improvement": final["mean"] - baseline["mean"],
        "baseline_scores": baseline["scores"],
        "optimized_scores": final["scores"],
        "dev_ids": dev_ids,
        "devset_source": dev_source,
        "demos": demos,
        "instructions": instructions,
        "lm_calls": ctx.lm_calls,
        "wall_time_s": round(time.time() - t0, 3),
        "program_state": program_state(optimized),
        "source": info.source,
    }
    ctx.progress(phase="done", trial=max(state["trial"], state["metric_calls"]), total_trials=total, score=final["mean"],
                 best_score=max(final["mean"], state["best"] or 0.0))
    return result


def _compile(strategy, opt, student, trainset, devset, metric, num_threads, dev_source):
    import dspy

    max_boot = _int(opt, "max_bootstrapped_demos", 4)
    max_lab = _int(opt, "max_labeled_demos", 4)
    seed = _int(opt, "seed", 9)
    if strategy == "bootstrap_few_shot":
        tp = dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=max_boot, max_labeled_demos=max_lab,
                                   max_rounds=_int(opt, "max_rounds", 1, lo=1),
                                   max_errors=_int(opt, "max_errors", None))
        return tp.compile(student, trainset=trainset)
    if strategy == "copro":
        tp = dspy.COPRO(metric=metric, breadth=_int(opt, "breadth", 10, lo=2), depth=_int(opt, "depth", 3, lo=1),
                        init_temperature=_num(opt, "init_temperature", 1.4), track_stats=False)
        return tp.compile(student, trainset=trainset,
                          eval_kwargs={"num_threads": num_threads, "display_progress": False, "display_table": 0})
    auto = opt.get("auto", None if opt.get("num_trials") is not None or opt.get("num_candidates") is not None
                   else "light")
    if auto not in (None, "light", "medium", "heavy"):
        raise InvalidParams("params.auto must be light, medium or heavy (or null with num_candidates/num_trials)",
                            field="params.auto")
    num_candidates = _int(opt, "num_candidates", None, lo=1)
    num_trials = _int(opt, "num_trials", None, lo=1)
    if auto is None and (num_candidates is None or num_trials is None):
        raise InvalidParams("MIPROv2 without auto needs both params.num_candidates and params.num_trials",
                            field="params.num_trials" if num_candidates is not None else "params.num_candidates")
    valset_mode = opt.get("valset", "split")
    if valset_mode not in ("split", "devset"):
        raise InvalidParams("params.valset must be 'split' (MIPROv2 splits the trainset) or 'devset'",
                            field="params.valset")
    valset = devset if valset_mode == "devset" else None
    kwargs = {}
    if auto is None:
        kwargs["num_trials"] = num_trials
    n_val = len(valset) if valset is not None else max(1, int(len(trainset) * 0.2))
    minibatch_size = _int(opt, "minibatch_size", 35, lo=1)
    minibatch = bool(opt.get("minibatch", n_val > minibatch_size))
    tp = dspy.MIPROv2(metric=metric, auto=auto, num_candidates=num_candidates if auto is None else None,
                      max_bootstrapped_demos=max_boot, max_labeled_demos=max_lab, num_threads=num_threads,
                      seed=seed, init_temperature=_num(opt, "init_temperature", 1.0), verbose=False,
                      track_stats=False)
    return tp.compile(student, trainset=trainset, valset=valset, minibatch=minibatch,
                      minibatch_size=min(minibatch_size, n_val), **kwargs)


def sleep(params, ctx):
    seconds = params.get("seconds", 1)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0 or seconds > 3600:
        raise InvalidParams("seconds must be a number between 0 and 3600", field="seconds")
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        if ctx.cancelled.wait(min(left, 0.05)):
            raise Cancelled()
    return {"slept": seconds}


def export_source(params, ctx):
    info = _program(params)
    return {"source": info.source, "module_name": info.module_name, "path": info.path,
            "input_fields": info.input_fields, "output_fields": info.output_fields}


# cancel and shutdown are handled by the server itself (they act on the server's state).
METHODS = {
    "health": health,
    "versions": versions,
    "run": run,
    "evaluate": evaluate,
    "optimize": optimize,
    "sleep": sleep,
    "export_source": export_source,
}
INLINE = {"health", "versions"}  # answered on the reader thread: fast, never blocked by busy workers
