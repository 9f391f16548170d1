"""pytest plugin of the suite: one Ctrl-C (or SIGTERM) stops the session, whatever catches it.

A KeyboardInterrupt raised inside a test does not always reach pytest as one. Hypothesis runs
the examples and coverage phases as explicit examples: when one of them already failed and
the interrupt arrives during a later one, it raises a `BaseExceptionGroup` holding both, which
pytest reports as a failed test. A signal handled while a finalizer runs (`__del__`, a
generator the garbage collector closes) raises there, and Python drops the exception ("Exception
ignored in ..."). Either way pytest would run the next tests. So the signal handler remembers
the signal, and the interrupt is raised again as soon as the test it arrived in has ended.
"""

from __future__ import annotations

import signal
from collections.abc import Generator
from types import FrameType

import pytest


class Interrupts:
    """Whether SIGINT or SIGTERM arrived in this process since `install`."""

    def __init__(self) -> None:
        self.received: int | None = None

    def install(self) -> None:
        """Handle SIGINT and SIGTERM: remember the signal, raise KeyboardInterrupt."""
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = signum
        raise KeyboardInterrupt

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        """After each test, stop the session if a signal came while it ran (and was swallowed)."""
        result = yield
        if self.received is not None:
            raise KeyboardInterrupt(f"{signal.Signals(self.received).name} during {item.nodeid}")
        return result


def register(config: pytest.Config) -> None:
    """Install the signal handlers and register the tracker as a plugin of `config`."""
    interrupts = Interrupts()
    interrupts.install()
    config.pluginmanager.register(interrupts, "contract-interrupts")


def pytest_configure(config: pytest.Config) -> None:
    """When loaded with `-p contract_tests.interrupts`: register the tracker."""
    register(config)
