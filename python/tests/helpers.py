"""Test helpers: a studio_runtime subprocess speaking the protocol."""
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time


class Runtime:
    def __init__(self, env=None):
        e = {"PATH": os.environ.get("PATH", ""), "STUDIO_DSPY_CACHEDIR": tempfile.mkdtemp(prefix="studio-rt-cache-"),
             "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        e.update(env or {})
        self.cwd = tempfile.mkdtemp(prefix="studio-rt-cwd-")
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", "studio_runtime"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.cwd, env=e)
        self.lines = queue.Queue()
        self.raw_lines = []
        self.stderr = []
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        self.ready = self.next_message(timeout=60)
        self.next_id = 1
        self.stash = {}

    def _read_out(self):
        for line in self.proc.stdout:
            self.raw_lines.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def next_message(self, timeout=30):
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise EOFError("runtime closed stdout")
        return json.loads(line)  # every stdout line must be JSON

    def send_raw(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode() + b"\n")

    def request(self, method, params=None, rid=None):
        if rid is None:
            rid = self.next_id
            self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params or {}})
        return rid

    def wait_reply(self, rid, timeout=60, notifications=None):
        if rid in self.stash:
            return self.stash.pop(rid)
        end = time.time() + timeout
        while True:
            msg = self.next_message(timeout=max(0.1, end - time.time()))
            if msg.get("id") == rid and ("result" in msg or "error" in msg):
                return msg
            if "method" in msg:
                if notifications is not None:
                    notifications.append(msg)
            elif msg.get("id") is not None:
                self.stash[msg["id"]] = msg  # a reply to another request, kept for its own wait_reply

    def call(self, method, params=None, timeout=60, notifications=None):
        return self.wait_reply(self.request(method, params), timeout, notifications)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# What the host sends: every optimizer parameter resolved (shared/dspy/optimizers.ts owns the defaults).
RESOLVED_DEFAULTS = {
    "bootstrap_few_shot": {"max_bootstrapped_demos": 4, "max_labeled_demos": 4, "max_rounds": 1, "max_errors": None},
    "copro": {"breadth": 10, "depth": 3, "init_temperature": 1.4, "num_threads": 1},
    "mipro": {"auto": "light", "num_candidates": None, "num_trials": None, "max_bootstrapped_demos": 4,
              "max_labeled_demos": 4, "init_temperature": 1.0, "seed": 9, "minibatch": True, "minibatch_size": 35,
              "minibatch_full_eval_steps": 5, "valset": "split", "num_threads": 1},
    "gepa": {"auto": "light", "max_metric_calls": None, "reflection_minibatch_size": 3,
             "candidate_selection_strategy": "pareto", "skip_perfect_score": True, "use_merge": True,
             "max_merge_invocations": 5, "num_threads": 1, "seed": 0, "reflection_model": None},
    "simba": {"bsize": 32, "num_candidates": 6, "max_steps": 8, "max_demos": 4, "num_threads": 1,
              "temperature_for_sampling": 0.2, "temperature_for_candidates": 0.2, "seed": 0},
}


def resolved(strategy, **overrides):
    return {**RESOLVED_DEFAULTS[strategy], **overrides}


# Cases each fuzz property ran, reported at the end of the session (conftest.py).
FUZZ_COUNTS: dict = {}
