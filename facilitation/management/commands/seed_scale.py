"""Create the scale data set: `manage.py seed_scale --size S [--seed 2026]`.

Replaces any previous scale data (emails @scale.example.org, slugs scale-...) and
never touches anything else. See facilitation/scale.py and bench/README.md.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from communities.models import Community
from facilitation import scale
from facilitation.snapshots.services import SNAPSHOT_BATCH, snapshots_refresh


class Command(BaseCommand):
    help = "Create a reproducible synthetic data set of a given size (replacing the last one)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            required=True,
            help="XS (tests), S (200 communities, 20,000 members), M, or L.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args, size, seed, **options):
        size = size.upper()
        if size not in scale.SIZES:
            raise CommandError(f"Unknown size {size!r}: choose one of {', '.join(scale.SIZES)}.")
        self.stdout.write(f"Seeding the {size} scale data set (seed {seed})...")
        result = scale.seed(size, seed=seed, log=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(f"{'table':<44} {'rows':>10} {'write s':>8}")
        for label, (rows, seconds) in sorted(result["tables"].items()):
            self.stdout.write(f"{label:<44} {rows:>10,} {seconds:>8.1f}")
        total_rows = sum(rows for rows, _seconds in result["tables"].values())
        self.stdout.write(f"{'total':<44} {total_rows:>10,} {result['seconds']:>8.1f}")
        deleted = sum(result["deleted"].values())
        if deleted:
            self.stdout.write(f"Replaced the previous scale data set ({deleted:,} rows deleted).")
        self.stdout.write("")
        self.stdout.write(
            "Accounts (no password; sign in with force_login or set one in the admin):"
        )
        self.stdout.write(f"  {scale.FACILITATOR_EMAIL:<34} facilitator of the first communities")
        self.stdout.write(f"  {scale.LEADER_EMAIL:<34} health-system leader")
        self.stdout.write(f"  {scale.MEMBER_EMAIL:<34} member of six communities")
        self._refresh_snapshots()
        self.stdout.write(self.style.SUCCESS(f"Done in {result['seconds']:.1f} s."))

    def _refresh_snapshots(self):
        """The dashboard's and the report's figures, as beat would compute them (every
        hour, facilitation.tasks), so the pages read them at once."""
        started = time.perf_counter()
        ids = list(
            Community.objects.filter(slug__startswith="scale-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), SNAPSHOT_BATCH):
            snapshots_refresh(community_ids=ids[start : start + SNAPSHOT_BATCH])
        self.stdout.write(
            f"Community snapshots computed for {len(ids):,} communities "
            f"in {time.perf_counter() - started:.1f} s."
        )
