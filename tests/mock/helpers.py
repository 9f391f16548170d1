"""Shared test data and expectation builders for the mock server tests."""

from __future__ import annotations

from typing import Any

MULTI_CONFIG = """
[server]
max_body_bytes = 4096

[[projects]]
id = 1

[[projects]]
id = 2

[[projects]]
id = 3
accessible = false

[[keys]]
value = "phx_all"
scopes = ["*"]

[[keys]]
value = "phx_read"
scopes = ["experiment:read"]

[[keys]]
value = "phx_write"
scopes = ["experiment:write"]

[[keys]]
value = "phx_none"
scopes = []

[[keys]]
value = "phx_flag_read"
scopes = ["feature_flag:read"]

[[keys]]
value = "phx_only_two"
scopes = ["*"]
projects = [2]

[[keys]]
value = "phx_current_two"
scopes = ["*"]
current_project = 2
"""


def err(type_: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    """The whole error envelope a negative test expects."""
    return {"type": type_, "code": code, "detail": detail, "attr": attr}


def invalid(detail: str, attr: str | None = None, code: str = "invalid_input") -> dict[str, Any]:
    """A 400 validation_error envelope."""
    return err("validation_error", code, detail, attr)
