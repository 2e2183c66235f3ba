from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development only: the demo municipality (`load_demo`) and the synthetic one
    (`generate_municipality`). Installed when DJANGO_DEMO=true (`make run`, `make test`,
    `make bench`); production settings leave it out and the image does not contain it."""

    name = "demo"
    verbose_name = "Demo"
