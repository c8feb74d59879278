"""On PostgreSQL the audit table refuses UPDATE, DELETE and TRUNCATE, whoever asks through
the application (only a superuser disabling the trigger could change a row, and then
``cancuoc audit verify`` names it)."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION cancuoc_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_auditevent is append-only (nhật ký chỉ được ghi thêm)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION cancuoc_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION cancuoc_audit_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS audit_no_truncate ON accounts_auditevent;
DROP TRIGGER IF EXISTS audit_no_update_delete ON accounts_auditevent;
DROP FUNCTION IF EXISTS cancuoc_audit_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forbid, allow)]
