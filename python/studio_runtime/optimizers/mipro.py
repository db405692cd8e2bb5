"""MIPROv2: the host's resolved params -> ``dspy.MIPROv2``."""

from ..errors import InvalidParams, RpcError

NAME = "mipro"
PARAMS = ("auto", "num_candidates", "num_trials", "max_bootstrapped_demos", "max_labeled_demos", "init_temperature",
          "seed", "minibatch", "minibatch_size", "minibatch_full_eval_steps", "valset", "num_threads")
USES_EVALUATE = True


def check(p, trainset):
    try:
        import optuna  # noqa: F401
    except ImportError as e:
        raise RpcError("MIPROv2 needs optuna, which is not installed in this runtime: run the app's setup "
                       "(npm run setup) to install python/requirements.lock", data={"missing": "optuna"}) from e
    if len(trainset) < 2:
        raise InvalidParams("MIPROv2 needs at least 2 training examples", field="trainset")


def total_trials(p, trainset):
    return p["num_trials"] if p["auto"] is None else None


def compile(p, student, trainset, devset, metric, env):
    import dspy

    valset = devset if p["valset"] == "devset" else None
    kwargs = {"minibatch_size": p["minibatch_size"], "minibatch_full_eval_steps": p["minibatch_full_eval_steps"]}
    if p["auto"] is None:
        # Without a preset: minibatches only when the valset is larger than one (MIPROv2 refuses otherwise);
        # a preset decides minibatching itself.
        n_val = len(valset) if valset is not None else min(1000, max(1, int(len(trainset) * 0.8)))
        kwargs.update(num_trials=p["num_trials"], minibatch=p["minibatch"] and n_val > p["minibatch_size"])
    tp = dspy.MIPROv2(metric=metric, auto=p["auto"], num_candidates=p["num_candidates"],
                      max_bootstrapped_demos=p["max_bootstrapped_demos"], max_labeled_demos=p["max_labeled_demos"],
                      num_threads=p["num_threads"], seed=p["seed"], init_temperature=p["init_temperature"],
                      verbose=False, track_stats=False)
    return tp.compile(student, trainset=trainset, valset=valset, **kwargs)
