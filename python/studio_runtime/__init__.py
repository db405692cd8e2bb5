"""Pipeline Studio's DSPy runtime.

Run as ``python -m studio_runtime``: JSON-RPC 2.0 over stdio, one JSON object per line
(see docs/python-protocol.md). This package's ``__init__`` must not import dspy: the
entry point sets ``DSPY_CACHEDIR`` before the first ``import dspy``.
"""

PROTOCOL_VERSION = 1
__version__ = "0.1.0"
