"""The spec over time: drift of PostHog's published schema, the compatibility gate, releases."""
