import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from demo import synthetic
from institutioner.models import District


class Command(BaseCommand):
    help = (
        "Fills an empty database with a synthetic municipality, the same every time for the "
        "same seed: --scale demo (the seeds' five districts, two years) or --scale large "
        "(400 institutions in 20 districts, 120 pedagogists, 6,000 agreements, five years of "
        "week sheets and planned absence)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale: str, seed: int, **options):
        if District.objects.exists():
            raise CommandError(
                "Databasen har allerede distrikter. Den syntetiske kommune skal i en tom database "
                "(fx DATABASE_URL=postgres://…/syntetisk efter migrate)."
            )
        chosen = synthetic.SCALES[scale]
        started = time.perf_counter()
        counts = synthetic.municipality_create(scale=chosen, seed=seed, today=timezone.localdate())
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner knows the tables are no longer empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        institutions = sum(n for _name, n, _p in chosen.districts)
        pedagogists = sum(p for _name, _n, p in chosen.districts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Syntetisk kommune ({scale}, frø {seed}): {len(chosen.districts)} distrikter, "
                f"{institutions} institutioner, {pedagogists} pædagoger på {seconds:.0f} s."
            )
        )
        for name, n in counts.items():
            self.stdout.write(f"  {name:<22} {n:>9}")
        self.stdout.write(
            f"Log ind som forvaltning@syntetisk.dk (adgangskode {synthetic.SYNTHETIC_PASSWORD})."
        )
