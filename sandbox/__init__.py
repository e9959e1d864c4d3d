"""A local, strict Bot API server for Linli's demo and tests (no Telegram, no network)."""

from sandbox.server import Fault, Sandbox, Sent

__all__ = ["Fault", "Sandbox", "Sent"]
