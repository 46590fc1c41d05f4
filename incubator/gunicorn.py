"""gunicorn's settings, the one copy for ``make serve`` and the benchmark's P7 run
(``gunicorn incubator.wsgi --config python:incubator.gunicorn``); ``docs/deploy.md``
("Workers") says why these and what was measured.

Sync workers behind the balancer, gunicorn's own advice for an app whose requests are
short and bound by the CPU and the database: the balancer buffers slow clients, and each
worker holds one database connection (``CONN_MAX_AGE``), so PostgreSQL's
``max_connections`` must cover servers x workers. ``WEB_WORKER_CLASS=gthread`` with
``WEB_THREADS`` is there for a deployment whose database is far away (it then also needs a
connection per thread).
"""

import os

worker_class = os.environ.get("WEB_WORKER_CLASS", "sync")
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
