"""Structured errors of the runtime (codes from docs/python-protocol.md)."""

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
RUNTIME_ERROR = -32000
CANCELLED = -32001
LM_ERROR = -32002


class RpcError(Exception):
    """An error with a JSON-RPC code, a user-facing message and optional data."""

    code = RUNTIME_ERROR

    def __init__(self, message, code=None, data=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.data = data

    def to_json(self):
        err = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


class InvalidParams(RpcError):
    """Bad input from the host (never retried). ``field`` names the offending path."""

    code = INVALID_PARAMS

    def __init__(self, message, field=None, data=None):
        d = dict(data or {})
        if field is not None:
            d["field"] = field
        super().__init__(message, data=d or None)
        self.field = field


class LMError(RpcError):
    code = LM_ERROR


class Cancelled(BaseException):
    """Raised when the host cancelled a request.

    A BaseException on purpose: DSPy swallows ``Exception`` raised by callbacks and counts
    ``Exception`` from program calls as per-example failures; cancellation must escape both.
    """
