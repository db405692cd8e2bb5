"""BootstrapFewShot: the host's resolved params -> ``dspy.BootstrapFewShot``."""

NAME = "bootstrap_few_shot"
PARAMS = ("max_bootstrapped_demos", "max_labeled_demos", "max_rounds", "max_errors")
USES_EVALUATE = False  # progress comes from the metric calls


def check(p, trainset):
    pass


def total_trials(p, trainset):
    return len(trainset) * p["max_rounds"]


def compile(p, student, trainset, devset, metric, env):
    import dspy

    tp = dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=p["max_bootstrapped_demos"],
                               max_labeled_demos=p["max_labeled_demos"], max_rounds=p["max_rounds"],
                               max_errors=p["max_errors"])
    return tp.compile(student, trainset=trainset)
