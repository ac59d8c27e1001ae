"""Contract events are append-only: on PostgreSQL a trigger refuses any UPDATE or DELETE of a row."""

from django.db import migrations

CREATE = """
CREATE FUNCTION contracts_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'contract events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contracts_event_append_only BEFORE UPDATE OR DELETE ON contracts_contractevent
    FOR EACH ROW EXECUTE FUNCTION contracts_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS contracts_event_append_only ON contracts_contractevent;
DROP FUNCTION IF EXISTS contracts_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_seed_job_categories")]
    operations = [migrations.RunPython(create, drop)]
