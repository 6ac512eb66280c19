"""The service's commands for `matcher`: serve, keys. Heavy imports stay inside the commands."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the service's subcommands to the `matcher` parser (placeholder until the service lands)."""
    del sub


__all__ = ["register", "argparse"]
