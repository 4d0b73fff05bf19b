"""Status over time, change events, subscriptions, the outbox and mail delivery.

The cycle calls, in one transaction for the first three::

    events = update_statuses(session, cycle_id)   # status history + change events
    moves = detect_figure_changes(session, config.figure_alerts, cycle_id)  # figure moves
    sync_subscribers(session, config)             # config.yaml subscribers into the database
    queue_alerts(session, config, events, figure_changes=moves)  # outbox rows for immediate subscribers
    # ...commit, then:
    summary = send_pending(config, database)      # deliver what is due

and weekly ``send_digest(config, database, now)``.
"""

from alerts.diff import update_statuses
from alerts.digest import build_digest, send_digest
from alerts.figures import detect_figure_changes
from alerts.outbox import queue_alerts
from alerts.sender import SendSummary, send_pending
from alerts.status import current_statuses
from alerts.subscriptions import subscribe, sync_subscribers, unsubscribe

__all__ = [
    "SendSummary",
    "build_digest",
    "current_statuses",
    "detect_figure_changes",
    "queue_alerts",
    "send_digest",
    "send_pending",
    "subscribe",
    "sync_subscribers",
    "unsubscribe",
    "update_statuses",
]
