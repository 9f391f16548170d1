"""Conformance suite: any server against openapi.yaml, safely, schemathesis under pytest."""
