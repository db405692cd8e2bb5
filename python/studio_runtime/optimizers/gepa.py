"""GEPA: the host's resolved params -> ``dspy.GEPA``, with the metric's written feedback, the
reflection LM the host resolved (``reflection_lm``) and the search tree recorded from GEPA's callbacks.
"""

from ..errors import InvalidParams

NAME = "gepa"
PARAMS = ("auto", "max_metric_calls", "reflection_minibatch_size", "candidate_selection_strategy",
          "skip_perfect_score", "use_merge", "max_merge_invocations", "num_threads", "seed", "reflection_model")
USES_EVALUATE = False
OWN_PROGRESS = True  # one notification per candidate GEPA scores on the dev set, carrying the tree
MAX_FEEDBACK = 4  # reflective examples kept per candidate in the tree
MAX_TEXT = 400


def check(p, trainset):
    if (p["auto"] is None) == (p["max_metric_calls"] is None):
        raise InvalidParams("GEPA needs exactly one of auto and max_metric_calls", field="params.max_metric_calls")


def total_trials(p, trainset):
    return p["max_metric_calls"]


def _clip(text):
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


class SearchTree:
    """GEPA's candidates as they are scored: parent(s), the components changed, their instructions,
    dev scores per example, and the reflective feedback that produced each one."""

    def __init__(self, env):
        self.env = env
        self.candidates = {}
        self.proposals = {}  # iteration -> {components, feedback}
        self.front = []
        self.best = None
        self.rejected = 0

    def on_proposal_start(self, event):
        feedback = []
        for component, rows in event["reflective_dataset"].items():
            for row in list(rows)[:MAX_FEEDBACK]:
                feedback.append({"component": component, "feedback": _clip(row.get("Feedback", "")),
                                 "inputs": _clip(row.get("Inputs", "")),
                                 "outputs": _clip(row.get("Generated Outputs", ""))})
        self.proposals[event["iteration"]] = {"components": list(event["components"]), "feedback": feedback}

    def on_candidate_rejected(self, event):
        self.rejected += 1

    def on_merge_accepted(self, event):
        self.proposals[event["iteration"]] = {"components": [], "feedback": [], "merge": True}

    def on_pareto_front_updated(self, event):
        self.front = list(event["new_front"])

    def on_valset_evaluated(self, event):
        idx = event["candidate_idx"]
        parents = [p for p in (event.get("parent_ids") or []) if p is not None]
        proposal = self.proposals.pop(event["iteration"], None) if idx > 0 else None
        scores = event["scores_by_val_id"]
        self.candidates[idx] = {
            "id": idx,
            "parents": parents,
            "iteration": event["iteration"],
            "instructions": dict(event["candidate"]),
            "score": float(event["average_score"]),
            "scores": [float(scores[k]) for k in sorted(scores)],
            "components": (proposal or {}).get("components", []),
            "feedback": (proposal or {}).get("feedback", []),
            "merge": bool((proposal or {}).get("merge")),
        }
        if self.best is None or event["is_best_program"]:
            self.best = idx
        self.env.progress(trial=len(self.candidates), score=float(event["average_score"]),
                          best_score=self.candidates[self.best]["score"], gepa=self.snapshot())

    def on_optimization_end(self, event):
        self.best = event["best_candidate_idx"]

    def snapshot(self):
        return {"candidates": [self.candidates[k] for k in sorted(self.candidates)], "pareto_front": self.front,
                "best": self.best, "rejected_proposals": self.rejected}


def compile(p, student, trainset, devset, metric, env):
    import dspy

    tree = SearchTree(env)
    tp = dspy.GEPA(metric=metric.with_feedback, auto=p["auto"], max_metric_calls=p["max_metric_calls"],
                   reflection_minibatch_size=p["reflection_minibatch_size"],
                   candidate_selection_strategy=p["candidate_selection_strategy"],
                   skip_perfect_score=p["skip_perfect_score"], use_merge=p["use_merge"],
                   max_merge_invocations=p["max_merge_invocations"], num_threads=p["num_threads"], seed=p["seed"],
                   reflection_lm=env.reflection_lm(), track_stats=False,
                   gepa_kwargs={"callbacks": [tree], "stop_callbacks": [lambda state: env.stop.is_set()]})
    optimized = tp.compile(student, trainset=trainset, valset=devset)
    env.extra["gepa"] = tree.snapshot()
    # A stop ends the search after the iteration under way; the best candidate so far is the result.
    env.extra["stopped"] = env.stop.is_set()
    return optimized
