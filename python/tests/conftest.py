import os
import sys
import tempfile

# Before anything imports dspy: keep its disk cache out of the home directory, stay offline.
os.environ.setdefault("DSPY_CACHEDIR", tempfile.mkdtemp(prefix="studio-test-dspy-cache-"))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("STUDIO_PROGRAMS_DIR", tempfile.mkdtemp(prefix="studio-test-programs-"))
sys.path.insert(0, os.path.dirname(__file__))


def pytest_terminal_summary(terminalreporter):
    from helpers import FUZZ_COUNTS

    if FUZZ_COUNTS:
        detail = ", ".join(f"{k} {v}" for k, v in FUZZ_COUNTS.items())
        terminalreporter.write_line(f"hypothesis fuzz: {sum(FUZZ_COUNTS.values())} cases: {detail}")
