"""Run the outbox sender as its own process (for tests that kill it with SIGKILL).

Usage: python sender_process.py CONFIG_PATH
"""

import sys

from alerts import send_pending
from sendwatch.core.config import load_config
from sendwatch.core.storage import open_database

if __name__ == "__main__":
    config = load_config(sys.argv[1])
    database = open_database(config.database_url)
    send_pending(config, database)
    database.dispose()
