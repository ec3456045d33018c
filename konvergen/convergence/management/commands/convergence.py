import json

from django.core.management.base import BaseCommand, CommandError

from konvergen.convergence import selectors
from konvergen.convergence.services import convergence_refresh
from konvergen.regions.models import Region


class Command(BaseCommand):
    help = "Convergence figures of a region and period, from the stored summaries."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--period", type=int, required=True)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--refresh", action="store_true", help="recompute first")

    def handle(self, *args, region, period, json: bool, refresh: bool, **options):
        if not Region.objects.filter(code=region).exists():
            raise CommandError(f"unknown region {region}")
        if refresh:
            convergence_refresh(region_code=region)
        result = figures(region, period)
        if json:
            self.stdout.write(_dumps(result))
            return
        for key in ("target_families", "reached_families", "unreached_families",
                    "overlap_families"):
            self.stdout.write(f"{key}: {result[key]}")
        for code, need in result["coverage"].items():
            self.stdout.write(f"  {code}: {need['target_covered']}/{need['target_deprived']}")


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def figures(region: str, period: int) -> dict:
    from konvergen.welfare.engine import STATUS_KEYS

    data = selectors.region_figures(region, period)
    runs = data["runs"]
    statuses = sorted({s for r in runs for s in r.config.get("target_statuses", [])})
    received = sorted({s for r in runs for s in r.config.get("received_statuses", [])})
    total = data["total"]
    return {
        "region": region,
        "period": period,
        "target_statuses": [STATUS_KEYS[s] for s in statuses],
        "received_statuses": received,
        # [from, up to] (null: no bound) a target family's desil must also lie in.
        "target_desil": next(
            (r.config.get("target_desil") for r in runs if r.config.get("target_desil")),
            [None, None],
        ),
        "runs": [{"snapshot": r.snapshot_id, "computed_at": r.computed_at.isoformat()}
                 for r in runs],
        **{k: total.get(k, 0) for k in selectors.REGION_SUMS},
        "coverage": {
            n["indicator"]: {
                "target_deprived": n["target_deprived"],
                "target_covered": n["target_covered"],
                "share": round(n["target_covered"] / n["target_deprived"], 4)
                if n["target_deprived"] else None,
            }
            for n in data["needs"]
        },
    }
