"""The tests' PostgreSQL (see sandbox/postgres.py): the server LINLI_TEST_POSTGRES names, or a
throwaway cluster with LINLI_TEST_POSTGRES=start."""

from sandbox.postgres import ENV, SKIP_REASON, free_port, fresh_database, server, throwaway_cluster

__all__ = ["ENV", "SKIP_REASON", "free_port", "fresh_database", "server", "throwaway_cluster"]
