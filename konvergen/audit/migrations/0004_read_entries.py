"""Audit entries of reads (``is_read``), and the change-stamp index that skips them.

On SQLite, adding a column rebuilds the table, which drops its append-only triggers: they
are created again here (PostgreSQL keeps its trigger)."""

import importlib

from django.conf import settings
from django.db import migrations, models

_append_only = importlib.import_module("konvergen.audit.migrations.0002_append_only_triggers")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_region_newest_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='auditentry',
            name='audit_region_newest',
        ),
        migrations.AddField(
            model_name='auditentry',
            name='is_read',
            field=models.BooleanField(default=False, verbose_name='read only'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['region_code', 'is_read', 'id'], name='audit_region_changed'),
        ),
        migrations.RunPython(
            _append_only._run({"sqlite": _append_only.SQLITE_DOWN + _append_only.SQLITE_UP}),
            migrations.RunPython.noop,
        ),
    ]
