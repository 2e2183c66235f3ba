from django.core.management.base import BaseCommand

from demo.load import demo_load
from demo.organisation import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Loads the demo municipality once (not if districts exist) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-only", action="store_true", help="Only print the demo logins."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="The web server's port, for the address."
        )

    def handle(self, *args, **options):
        if options["logins_only"]:
            self._print_logins(options["port"])
            return
        if demo_load():
            self.stdout.write(self.style.SUCCESS("Demokommunen er indlæst."))
        else:
            self.stdout.write("Demokommunen findes allerede; intet er ændret.")
        self._print_logins(options["port"])

    def _print_logins(self, port: int):
        self.stdout.write("")
        self.stdout.write(f"Demo-logins (adgangskode for alle: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<24} {login.email:<22} {login.name} – {login.note}")
        self.stdout.write("")
        self.stdout.write(f"Åbn http://127.0.0.1:{port} i browseren.")
