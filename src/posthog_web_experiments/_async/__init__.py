"""The async client and pagination: the one hand-written source of both clients."""
