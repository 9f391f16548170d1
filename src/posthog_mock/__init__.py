"""A faithful, persistent stand-in for PostHog's web experiments API."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    # One distribution ships the SDK and the mock: one version.
    __version__ = version("posthog-web-experiments")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
