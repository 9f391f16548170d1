"""The sync client and pagination, derived from ``_async/`` by ``make sync-client``."""
