"""A faithful, persistent stand-in for PostHog's web experiments API."""
