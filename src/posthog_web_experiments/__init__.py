"""Hand-written SDK for PostHog's web experiments API."""
