"""gunicorn's settings for the web container (docker-compose.yml and the Dockerfile use it).

gunicorn kills a worker that has not answered within `timeout` and the person gets its English
"Internal Server Error". Our own bounds (the database's connect and statement timeouts, Redis's
timeouts) are all shorter, so the application answers first, with the Danish 503 page.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Above DATABASE_CONNECT_TIMEOUT + DATABASE_STATEMENT_TIMEOUT + the hung server's 1 s grace
# (3 + 15 + 1 s by default).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # settings.py checks it
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"
