import csv
from pathlib import Path

from django.db import migrations

# GB/T 2260 provinces and prefecture-level divisions of the 31 mainland provinces; municipalities have themselves
# as their one city entry (code xx0100). Source: the adcodes table shipped by the cpca package (0.5.5).
REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


def seed(apps, schema_editor):
    Region = apps.get_model("employers", "Region")
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    provinces = {}
    for row in rows:
        if not row["parent_code"]:
            provinces[row["code"]], _ = Region.objects.get_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in rows:
        if row["parent_code"]:
            Region.objects.get_or_create(
                code=row["code"], defaults={"name": row["name"], "parent": provinces[row["parent_code"]]}
            )


class Migration(migrations.Migration):
    dependencies = [("employers", "0003_authentication_requests")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
