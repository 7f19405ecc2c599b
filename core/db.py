"""The SQL of the triggers that freeze rows in the database (BIL-11, BIL-14): what must not change
once written is refused by PostgreSQL itself, whoever asks (ORM, admin, API or raw SQL).

Migrations call these helpers, so their output is part of the migration history: it must stay
byte for byte what it is (a database migrated before runs exactly this SQL). A trigger of another
shape gets its own helper, or its SQL written out in its migration.
"""


def freeze_function_sql(name: str, *, body: str, declare: str = "") -> str:
    """`CREATE OR REPLACE FUNCTION name()`, a PL/pgSQL trigger function: `declare` (the DECLARE
    block, with its keyword) and `body` (the statements between BEGIN and END, each line ending
    with a newline) as given."""
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\n{declare}BEGIN\n{body}END;\n$$ LANGUAGE plpgsql;\n"
    )


def freeze_trigger_sql(name: str, *, table: str, events: str, body: str, declare: str = "") -> str:
    """The function `name` and the row trigger of that name that runs it BEFORE `events` (e.g.
    "UPDATE OR DELETE") on `table`."""
    return (
        freeze_function_sql(name, body=body, declare=declare)
        + f"\nCREATE TRIGGER {name}\n    BEFORE {events} ON {table}\n    FOR EACH ROW EXECUTE FUNCTION {name}();\n"
    )


def freeze_trigger_drop_sql(name: str, *, table: str) -> str:
    """The way back from freeze_trigger_sql."""
    return f"DROP TRIGGER IF EXISTS {name} ON {table};\nDROP FUNCTION IF EXISTS {name}();\n"
