"""Gunicorn's configuration for Huimin in production: `huimin-web` (or `gunicorn -c
python:huimin.gunicorn_config`) serves the pages, the API and the static files (WhiteNoise).

HUIMIN_BIND is the address to listen on, HUIMIN_WORKERS the number of worker processes, and
HUIMIN_ACCESS_LOG where each request is logged (`-`, the default, is standard output). They may
be written in the `.env` file, like every other setting. The background jobs need `huimin
worker` beside it (README: Deployment).
"""

import os
import sys

from huimin.env import env_file_load, env_int, env_str

env_file_load()

wsgi_app = "huimin.wsgi:application"
bind = env_str("HUIMIN_BIND", "127.0.0.1:8000").split(",")
workers = env_int("HUIMIN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8), minimum=1)
# A payroll page or an export may take a while; a worker silent for longer is restarted.
timeout = env_int("HUIMIN_WORKER_TIMEOUT", 120, minimum=1)
accesslog = env_str("HUIMIN_ACCESS_LOG", "-")
errorlog = "-"
# Behind a reverse proxy that terminates HTTPS: the addresses whose X-Forwarded-* are believed.
forwarded_allow_ips = env_str("HUIMIN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# A stuck or leaking worker is replaced after this many requests (spread so they do not all go).
max_requests = env_int("HUIMIN_WORKER_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10


def main() -> None:
    """The `huimin-web` command: gunicorn with this configuration; arguments go to gunicorn."""
    from gunicorn.app.wsgiapp import run

    sys.argv = ["huimin-web", "--config", "python:huimin.gunicorn_config", *sys.argv[1:]]
    run()
