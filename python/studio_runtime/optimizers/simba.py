"""SIMBA: the host's resolved params -> ``dspy.SIMBA`` (mini-batches of the trainset, rules and demos)."""

from ..errors import InvalidParams

NAME = "simba"
PARAMS = ("bsize", "num_candidates", "max_steps", "max_demos", "num_threads", "temperature_for_sampling",
          "temperature_for_candidates", "seed")
USES_EVALUATE = False  # progress comes from the metric calls


def check(p, trainset):
    if len(trainset) < p["bsize"]:
        raise InvalidParams(f"SIMBA needs at least bsize={p['bsize']} training examples (got {len(trainset)})",
                            field="params.bsize")


def total_trials(p, trainset):
    # Metric calls: per step num_candidates trajectories per batch example, then up to num_candidates + 1
    # new programs on the batch; at the end the distinct winners on the whole trainset.
    programs = min(p["bsize"], p["num_candidates"] + 1)
    winners = min(p["num_candidates"] + 1, p["max_steps"] + 1)
    return p["max_steps"] * p["bsize"] * (p["num_candidates"] + programs) + winners * len(trainset)


def compile(p, student, trainset, devset, metric, env):
    import dspy

    tp = dspy.SIMBA(metric=metric, bsize=p["bsize"], num_candidates=p["num_candidates"], max_steps=p["max_steps"],
                    max_demos=p["max_demos"], num_threads=p["num_threads"],
                    temperature_for_sampling=p["temperature_for_sampling"],
                    temperature_for_candidates=p["temperature_for_candidates"])
    return tp.compile(student, trainset=trainset, seed=p["seed"])
