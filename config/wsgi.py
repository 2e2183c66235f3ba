import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# gunicorn serves this: its database statements get the web's short timeout (config/settings.py).
os.environ.setdefault("DJANGO_WEB_PROCESS", "true")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # A bad or missing setting: one line that names it at the end of the log, and gunicorn stops
    # (the worker fails to boot) instead of a traceback around the message.
    print(f"Configuration error: {error}", file=sys.stderr, flush=True)
    sys.exit(3)
