"""Run the outbox sender with files capped at a size (``RLIMIT_FSIZE``), as on a disk that is full.

Usage: python full_disk_sender.py CONFIG_PATH MAX_FILE_BYTES
Prints the run's summary as JSON.
"""

import dataclasses
import json
import resource
import sys

from alerts import send_pending
from sendwatch.core.config import load_config
from sendwatch.core.storage import open_database

if __name__ == "__main__":
    config = load_config(sys.argv[1])
    database = open_database(config.database_url)
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: writes fail with EFBIG
    summary = send_pending(config, database)
    database.dispose()
    print(json.dumps(dataclasses.asdict(summary), default=str))
