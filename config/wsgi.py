import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# gunicorn serves this: its database statements get the web's short timeout (config/settings.py).
os.environ.setdefault("DJANGO_WEB_PROCESS", "true")

application = get_wsgi_application()
