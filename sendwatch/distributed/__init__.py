"""The distributed executor: the cycle's units of work run by ``sendwatch worker`` processes on any
number of machines, through a broker (Dramatiq over RabbitMQ or Redis), with PostgreSQL as the
one database they share.

- ``dispatch``: the scheduler's side, the same three stage calls as the local cycle.
- ``tasks``: the worker's side, one handler per kind of task; ``crawling``: one council's crawl
  in a child process holding the council's site lock.
- ``worker``: the ``sendwatch worker`` process; ``heartbeats``: who is alive, doing what, and
  how many tasks wait.
- ``broker``: Dramatiq itself, imported only here (an optional extra, ``.[distributed]``).
"""
