"""The bounds every script runs within, and the budget that counts a Python-subset run against them."""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic

MIB = 1024 * 1024


@dataclass(frozen=True)
class ScriptLimits:
    """Caps on a script's source, its run time, its work and the size of what it builds."""

    max_source_chars: int = 64_000
    max_nesting: int = 100  # depth of the parsed syntax tree
    max_nodes: int = 20_000  # nodes of the parsed syntax tree
    wall_seconds: float = 1.0
    max_steps: int = 100_000  # evaluation steps; bulk work (copying, sorting) is charged by size
    max_loop_iterations: int = 100_000  # per loop or comprehension
    max_string_chars: int = MIB
    max_items: int = 100_000  # per list, tuple, dict or set
    max_allocated_bytes: int = 64 * MIB  # estimated bytes of all strings and containers built
    max_int_bits: int = 4096
    max_value_depth: int = 64  # nesting of lists and dicts handed out as variables
    js_memory_bytes: int = 64 * MIB
    js_stack_bytes: int = 256 * 1024
    max_exchange_bytes: int = 4 * MIB  # JSON crossing into or out of the JavaScript engine


DEFAULT_LIMITS = ScriptLimits()


class LimitExceeded(Exception):
    """A run passed one of its limits; the message says which."""


class Budget:
    """Count one run's steps, allocations and wall-clock time against its limits."""

    __slots__ = ("limits", "steps", "allocated", "_deadline", "_next_clock_check")

    _CLOCK_EVERY = 256

    def __init__(self, limits: ScriptLimits) -> None:
        self.limits = limits
        self.steps = 0
        self.allocated = 0
        self._deadline = monotonic() + limits.wall_seconds
        self._next_clock_check = self._CLOCK_EVERY

    def step(self, count: int = 1) -> None:
        """Charge `count` steps; raise LimitExceeded past the step budget or the deadline."""
        self.steps += count
        if self.steps > self.limits.max_steps:
            raise LimitExceeded(f"it used more than its {self.limits.max_steps} evaluation steps")
        if self.steps >= self._next_clock_check:
            self._next_clock_check = self.steps + self._CLOCK_EVERY
            self.check_clock()

    def extend(self, seconds: float) -> None:
        """Move the deadline on by `seconds` the run spent outside the script (in a registered function)."""
        self._deadline += seconds

    def check_clock(self) -> None:
        """Raise LimitExceeded if the run is past its wall-clock budget."""
        if monotonic() > self._deadline:
            raise LimitExceeded(f"it ran longer than {self.limits.wall_seconds:g} s")

    def allocate(self, nbytes: int) -> None:
        """Charge an allocation of about `nbytes`, and a step per KiB of it."""
        self.allocated += nbytes
        if self.allocated > self.limits.max_allocated_bytes:
            raise LimitExceeded(f"it built more than {self.limits.max_allocated_bytes // MIB} MiB of values")
        self.step(1 + nbytes // 1024)

    def string(self, length: int) -> None:
        """Check and charge a string of `length` characters about to be built."""
        if length > self.limits.max_string_chars:
            raise LimitExceeded(
                f"a string of {length} characters passes the cap of {self.limits.max_string_chars}"
            )
        self.allocate(length)

    def items(self, count: int) -> None:
        """Check and charge a container of `count` items about to be built."""
        if count > self.limits.max_items:
            raise LimitExceeded(f"a collection of {count} items passes the cap of {self.limits.max_items}")
        self.allocate(8 * count)

    def grow(self, count: int) -> None:
        """Check and charge one more item in a container that will then hold `count` items."""
        if count > self.limits.max_items:
            raise LimitExceeded(f"a collection of {count} items passes the cap of {self.limits.max_items}")
        self.allocate(8)

    def integer(self, bits: int) -> None:
        """Check that an integer of `bits` bits stays within the magnitude cap."""
        if bits > self.limits.max_int_bits:
            raise LimitExceeded(f"a number of {bits} bits passes the cap of {self.limits.max_int_bits} bits")
