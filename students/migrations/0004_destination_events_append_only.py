"""Destination events are append-only: on PostgreSQL a trigger refuses any UPDATE or DELETE of a row."""

from django.db import migrations

CREATE = """
CREATE FUNCTION students_destination_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'destination events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER students_destination_event_append_only BEFORE UPDATE OR DELETE ON students_destinationevent
    FOR EACH ROW EXECUTE FUNCTION students_destination_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS students_destination_event_append_only ON students_destinationevent;
DROP FUNCTION IF EXISTS students_destination_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("students", "0003_destination_records")]
    operations = [migrations.RunPython(create, drop)]
