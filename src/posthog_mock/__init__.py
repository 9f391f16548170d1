"""A faithful, persistent stand-in for PostHog's web experiments API."""

__all__ = ["__version__"]

__version__ = "0.1.0"
