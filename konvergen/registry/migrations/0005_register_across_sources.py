"""One register per region across sources: snapshots, families and persons carry their source;
other sources' IDs of a known family or person are aliases."""

import django.db.models.deletion
from django.db import migrations, models

SOURCES = [("p3ke", "P3KE"), ("dtsen", "DTSEN"), ("dtks", "DTKS"),
           ("canonical", "Konvergen canonical layout")]


def fill_sources(apps, schema_editor):
    """Every existing row gets the source of its dataset (one statement a table)."""
    quote = schema_editor.connection.ops.quote_name
    for table in ("registry_snapshot", "registry_family", "registry_person"):
        schema_editor.execute(
            f"UPDATE {table} SET {quote('source')} = (SELECT d.{quote('source')} FROM "
            f"registry_dataset d WHERE d.id = {table}.dataset_id)")


def added_source(model):
    return migrations.AddField(
        model_name=model, name="source",
        field=models.CharField(choices=SOURCES, default="", max_length=20,
                               verbose_name="source"),
        preserve_default=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_lean_indexes")]

    operations = [
        migrations.AddField(
            model_name="dataset", name="authority",
            field=models.JSONField(
                blank=True, default=list, verbose_name="source authority",
                help_text="Sources in the order their values are trusted, best first; empty "
                          "means DTSEN, DTKS, P3KE, canonical. Within a source the newest "
                          "snapshot wins.")),
        added_source("snapshot"),
        added_source("family"),
        added_source("person"),
        migrations.RunPython(fill_sources, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(model_name="family", name="family_dataset_source_id"),
        migrations.AddConstraint(
            model_name="family",
            constraint=models.UniqueConstraint(fields=["dataset", "source", "source_id"],
                                               name="family_dataset_source_id")),
        migrations.RemoveConstraint(model_name="person", name="person_dataset_source_id"),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(fields=["dataset", "source", "source_id"],
                                               name="person_dataset_source_id")),
        migrations.CreateModel(
            name="FamilyAlias",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("source", models.CharField(choices=SOURCES, max_length=20,
                                            verbose_name="source")),
                ("source_id", models.CharField(max_length=64,
                                               verbose_name="family ID (source)")),
                ("method", models.CharField(max_length=10)),
                ("dataset", models.ForeignKey(
                    db_constraint=False, db_index=False,
                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="registry.dataset")),
                ("family", models.ForeignKey(
                    db_constraint=False, on_delete=django.db.models.deletion.PROTECT,
                    related_name="aliases", to="registry.family")),
                ("snapshot", models.ForeignKey(
                    db_constraint=False, db_index=False,
                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="registry.snapshot")),
            ],
            options={"constraints": [models.UniqueConstraint(
                fields=("dataset", "source", "source_id"), name="family_alias_unique")]},
        ),
        migrations.CreateModel(
            name="PersonAlias",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("source", models.CharField(choices=SOURCES, max_length=20,
                                            verbose_name="source")),
                ("source_id", models.CharField(max_length=64,
                                               verbose_name="person ID (source)")),
                ("method", models.CharField(max_length=10)),
                ("dataset", models.ForeignKey(
                    db_constraint=False, db_index=False,
                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="registry.dataset")),
                ("person", models.ForeignKey(
                    db_constraint=False, on_delete=django.db.models.deletion.PROTECT,
                    related_name="aliases", to="registry.person")),
                ("snapshot", models.ForeignKey(
                    db_constraint=False, db_index=False,
                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="registry.snapshot")),
            ],
            options={"constraints": [models.UniqueConstraint(
                fields=("dataset", "source", "source_id"), name="person_alias_unique")]},
        ),
    ]
