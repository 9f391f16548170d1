"""The SDK's version, as installed."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("posthog-web-experiments")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
