"""``run`` and ``evaluate``, and the sequential evaluation ``optimize`` uses for its baseline and final scores."""

from __future__ import annotations

import contextvars
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from .context import dspy_context, is_lm_error, scrub
from .errors import Cancelled, InvalidParams, LMError, RpcError
from .metrics import jsonable
from .request import apply_state, examples, make_lm, make_metric, predict_outputs, program_info, require


def evaluate_examples(program, items, metric, ctx, phase, report=True, num_threads=1):
    """Evaluation with ``num_threads`` examples at once (DSPy's settings follow each thread); per-example
    scores, outputs and errors in the items' order. Honours cancel."""
    n = len(items)
    scores, outputs, errors = [0.0] * n, [None] * n, [None] * n
    excs = [None] * n
    done = {"count": 0, "sum": 0.0}
    lock = threading.Lock()

    def one(i):
        ex = items[i]
        ctx.check()
        try:
            pred = program(**ex.inputs())
            s = metric.score(ex, pred)
            outputs[i] = predict_outputs(pred)
        except Cancelled:
            raise
        except Exception as e:  # a failed example scores 0; the reason is kept
            print(f"[studio_runtime] {phase} example {i} failed: {type(e).__name__}: {e}", file=sys.stderr)
            s = 0.0
            errors[i] = f"{type(e).__name__}: {scrub(str(e), ctx)}"
            excs[i] = e
        scores[i] = s
        with lock:
            done["count"] += 1
            done["sum"] += s
            if report:
                ctx.progress(phase=phase, trial=done["count"], total_trials=n, score=s,
                             best_score=round(done["sum"] / done["count"], 6))

    if num_threads <= 1 or n <= 1:
        for i in range(n):
            one(i)
    else:
        with ThreadPoolExecutor(max_workers=min(num_threads, n), thread_name_prefix=f"eval-{phase}") as pool:
            futures = [pool.submit(contextvars.copy_context().run, one, i) for i in range(n)]
            try:
                for f in futures:
                    f.result()
            except BaseException:  # cancelled: the examples not started yet never start
                for f in futures:
                    f.cancel()
                raise
    ctx.check()
    if items and all(err is not None for err in errors):
        first = next(e for e in excs if e is not None)
        cls = LMError if is_lm_error(first) or isinstance(first, LMError) else RpcError
        raise cls(f"every example failed ({phase}); first error: {errors[0]}")
    mean = sum(scores) / n if n else 0.0
    return {"scores": scores, "mean": mean, "outputs": outputs, "errors": errors}


def threads_of(lm) -> int:
    return int(getattr(lm, "studio", {}).get("num_threads", 1))


def run(params, ctx):
    info = program_info(params)
    inputs = require(params, "inputs", dict)
    for name in info.input_fields:
        if name not in inputs:
            raise InvalidParams(f"inputs lacks the input field '{name}'", field=f"inputs.{name}")
    program = info.build()
    apply_state(program, params.get("program_state"))
    lm = make_lm(params, ctx)
    try:
        with dspy_context(lm, params, ctx, track_usage=True):
            pred = program(**{k: inputs[k] for k in info.input_fields})
    except Cancelled:
        raise
    except RpcError as e:  # a failed run still reports what its calls went through
        e.data = {**(e.data or {}), **ctx.call_stats()}
        raise
    except Exception as e:
        cls = LMError if is_lm_error(e) else RpcError
        raise cls(f"{type(e).__name__}: {scrub(str(e), ctx)}", data=ctx.call_stats()) from e
    usage = None
    try:
        usage = jsonable(pred.get_lm_usage()) or None
    except Exception:
        pass
    return {"outputs": predict_outputs(pred), "lm_calls": ctx.lm_calls, "usage": usage,
            "history": lm_history(lm, ctx), **ctx.call_stats()}


def lm_history(lm, ctx):
    """The calls this request's LM made: the messages DSPy really sent, what came back, the tokens."""
    calls = []
    for entry in getattr(lm, "history", None) or []:
        usage = entry.get("usage") or {}
        calls.append({"model": str(entry.get("model") or ""),
                      "messages": [{"role": str(m.get("role", "")), "content": scrub(_text(m.get("content")), ctx)}
                                   for m in entry.get("messages") or [] if isinstance(m, dict)],
                      "outputs": [scrub(_text(o), ctx) for o in entry.get("outputs") or []],
                      "prompt_tokens": int(usage.get("prompt_tokens") or 0),
                      "completion_tokens": int(usage.get("completion_tokens") or 0)})
    return calls


def _text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return value["text"]
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    return str(jsonable(value))


def evaluate(params, ctx):
    info = program_info(params)
    items, _, ids = examples(params.get("dataset"), info, "dataset")
    if not items:
        raise InvalidParams("dataset is empty", field="dataset")
    program = info.build()
    apply_state(program, params.get("program_state"))
    lm = make_lm(params, ctx)
    metric = make_metric(params, info, ctx)
    with dspy_context(lm, params, ctx), ctx.measure("evaluate"):
        res = evaluate_examples(program, items, metric, ctx, "evaluate", num_threads=threads_of(lm))
    return {"scores": res["scores"], "mean": res["mean"], "ids": ids, "outputs": res["outputs"],
            "errors": res["errors"], "metric": metric.name, "lm_calls": ctx.lm_calls, "usage": ctx.usage["evaluate"],
            **ctx.call_stats()}
