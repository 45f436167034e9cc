"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

BIND                 full address to listen on (overrides PORT)
PORT                 listen on 0.0.0.0:PORT (default: 127.0.0.1:8000)
WEB_CONCURRENCY      worker processes (default: 2 × CPU cores + 1)
FORWARDED_ALLOW_IPS  comma-separated addresses of the reverse proxies whose X-Forwarded-* headers are trusted
                     (default: 127.0.0.1)
GUNICORN_TIMEOUT     seconds before a silent worker is restarted (default: 60)

The app keeps no state in the process (sessions live in the database), so more capacity is more workers here
or more machines behind the proxy.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

if os.environ.get("BIND"):
    bind = [os.environ["BIND"]]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{int(os.environ['PORT'])}"]
else:
    bind = ["127.0.0.1:8000"]

workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows; the jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
