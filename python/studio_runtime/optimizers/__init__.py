"""``optimize``: baseline evaluation, the optimizer's compile, the optimized evaluation, each phase's
LM calls and tokens. One module per optimizer maps the host's resolved params onto DSPy; the host
(shared/dspy/optimizers.ts) owns every parameter's default and range, so nothing here defaults.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

from ..context import dspy_context
from ..errors import InvalidParams
from ..evaluation import evaluate_examples, threads_of
from ..metrics import jsonable
from ..request import apply_state, examples, inputs_key, make_lm, make_metric, program_info, program_state
from . import bootstrap_few_shot, copro, gepa, mipro, simba

OPTIMIZERS = {"bootstrap_few_shot": bootstrap_few_shot, "copro": copro, "mipro": mipro, "gepa": gepa,
              "simba": simba}
STRATEGIES = tuple(OPTIMIZERS)
PROGRESS_INTERVAL_S = 0.05


def resolved_params(module, params):
    """The optimizer's params exactly as the host resolved them: every key present, no other."""
    opt = params.get("params")
    if not isinstance(opt, dict):
        raise InvalidParams("params must be an object (the host sends every parameter resolved)", field="params")
    for key in module.PARAMS:
        if key not in opt:
            raise InvalidParams(f"params.{key} is required (the host sends every parameter resolved)",
                                field=f"params.{key}")
    unknown = sorted(set(opt) - set(module.PARAMS))
    if unknown:
        raise InvalidParams(f"params.{unknown[0]} is not a parameter of {module.NAME}", field=f"params.{unknown[0]}")
    return opt


def optimize(params, ctx):
    t0 = time.time()
    # Coalesce progress: bursts of per-example/per-metric-call notifications (fast LMs) collapse to at
    # most one per 50 ms within a phase; phase changes and each phase's last numbers always go out.
    ctx.progress_interval = PROGRESS_INTERVAL_S
    strategy = params.get("strategy")
    if strategy not in OPTIMIZERS:
        raise InvalidParams(f"strategy must be one of {', '.join(STRATEGIES)} (got {strategy!r})", field="strategy")
    module = OPTIMIZERS[strategy]
    opt = resolved_params(module, params)
    info = program_info(params)
    trainset, train_ids, _ = examples(params.get("trainset"), info, "trainset")
    if not trainset:
        raise InvalidParams("trainset is empty", field="trainset")
    dev_source = "devset"
    if params.get("devset"):
        devset, dev_ids_map, dev_ids = examples(params.get("devset"), info, "devset")
    else:
        devset, dev_ids_map, dev_ids = trainset, train_ids, [train_ids.get(inputs_key(e.inputs().toDict())) for e in trainset]
        dev_source = "trainset"
    id_of = {**dev_ids_map, **train_ids}
    module.check(opt, trainset)

    lm = make_lm(params, ctx)
    student = info.build()
    apply_state(student, params.get("program_state"))

    state = {"trial": 0, "best": None, "metric_calls": 0, "phase": "baseline"}
    total = module.total_trials(opt, trainset)

    def on_metric(score):
        ctx.check()
        for hook in ctx.metric_hooks:
            hook(score)
        if state["phase"] == "compile" and not module.USES_EVALUATE and not getattr(module, "OWN_PROGRESS", False):
            state["metric_calls"] += 1
            state["best"] = max(state["best"] or 0.0, score)
            ctx.progress(phase="compile", trial=state["metric_calls"], total_trials=total, score=score,
                         best_score=state["best"])

    def on_eval_end(result):
        if state["phase"] != "compile":
            return
        # The mean of the metric's own scores (each in [0, 1]); Evaluate's `score` is a percentage.
        rows = getattr(result, "results", None) or []
        score = sum(float(r[2]) for r in rows) / len(rows) if rows else None
        if score is not None:
            state["best"] = score if state["best"] is None else max(state["best"], score)
        state["trial"] += 1
        ctx.progress(phase="compile", trial=state["trial"], total_trials=total, score=score,
                     best_score=state["best"])

    metric = make_metric(params, info, ctx, on_call=on_metric)
    ctx.progress(phase="baseline", trial=0, total_trials=len(devset), score=None, best_score=None)
    with dspy_context(lm, params, ctx), ctx.measure("baseline"):
        baseline = evaluate_examples(student, devset, metric, ctx, "baseline", num_threads=threads_of(lm))
    state["phase"] = "compile"
    ctx.progress(phase="compile", trial=0, total_trials=total, score=baseline["mean"], best_score=baseline["mean"])

    def own_progress(**p):
        state["trial"] = p["trial"]
        state["best"] = p["best_score"]
        ctx.progress(phase="compile", total_trials=total, **p)

    # What a module needs beyond the data: the reflection LM (the host always resolves one for GEPA),
    # its own progress, and extra result fields.
    env = SimpleNamespace(reflection_lm=lambda: make_lm(params, ctx, key="reflection_lm"), progress=own_progress,
                          stop=ctx.stop, extra={})
    # Optimizers without dspy.Evaluate (BootstrapFewShot) report progress from the metric calls, so
    # they compile without the context-wide Evaluate callback and DSPy's per-call callback machinery.
    with dspy_context(lm, params, ctx, on_evaluate_end=on_eval_end if module.USES_EVALUATE else None), \
            ctx.measure("compile"):
        optimized = module.compile(opt, student, trainset, devset, metric, env)
    ctx.check()
    state["phase"] = "final"
    with dspy_context(lm, params, ctx), ctx.measure("final"):
        final = evaluate_examples(optimized, devset, metric, ctx, "final", num_threads=threads_of(lm))

    demos, instructions = {}, {}
    for name, pred in optimized.named_predictors():
        instructions[name] = pred.signature.instructions
        items = []
        for d in pred.demos:
            dd = d.toDict() if hasattr(d, "toDict") else dict(d)
            ins = {k: dd[k] for k in info.input_fields if k in dd}
            items.append({"id": id_of.get(inputs_key(ins)), "augmented": bool(dd.get("augmented", False)),
                          "values": jsonable({k: v for k, v in dd.items() if k != "augmented"})})
        demos[name] = items
    result = {
        "strategy": strategy,
        "params": opt,
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
        "usage": dict(ctx.usage),
        "wall_time_s": round(time.time() - t0, 3),
        "num_threads": threads_of(lm),
        **ctx.call_stats(),
        "program_state": program_state(optimized),
        "source": info.source,
        **env.extra,
    }
    ctx.progress(phase="done", trial=max(state["trial"], state["metric_calls"]), total_trials=total, score=final["mean"],
                 best_score=max(final["mean"], state["best"] or 0.0))
    return result
