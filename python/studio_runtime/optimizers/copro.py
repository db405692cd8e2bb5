"""COPRO: the host's resolved params -> ``dspy.COPRO`` (candidates scored on the trainset)."""

NAME = "copro"
PARAMS = ("breadth", "depth", "init_temperature", "num_threads")
USES_EVALUATE = True


def check(p, trainset):
    pass


def total_trials(p, trainset):
    return p["depth"] * p["breadth"]


def compile(p, student, trainset, devset, metric, env):
    import dspy

    tp = dspy.COPRO(metric=metric, breadth=p["breadth"], depth=p["depth"], init_temperature=p["init_temperature"],
                    track_stats=False)
    return tp.compile(student, trainset=trainset,
                      eval_kwargs={"num_threads": p["num_threads"], "display_progress": False, "display_table": 0})
