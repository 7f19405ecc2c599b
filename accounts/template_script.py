"""The template schema as one SQL script (issue 14): a new schema in one round trip.

django-tenants' clone_schema() walks the template object by object in PL/pgSQL, asking
information_schema each time; those views scan the whole catalog, so a clone slows down as
accounts grow (the schema alone: 350 ms with 5 schemas in the database, 1,457 ms with 1,005;
this script 35 ms and 63 ms in the same runs of bench/bench_account_create.py). Here the
template's catalog is read once per migration state -- through indexed catalog lookups, so it
costs the same at any number of schemas -- and turned into a script of plain DDL, executed
with the new schema first in the search path:

    CREATE TABLE (columns, types, collations, defaults, NOT NULL, identity with its sequence's
    name and options, primary key, unique and check constraints) -> INSERT ... SELECT the
    template's rows -> setval() each sequence to the template's value -> the other indexes ->
    foreign keys.

Names come out unqualified where they are the template's own (the catalog is read with only the
template in the search path), so they resolve to the new schema; rows and sequence values are
read from the template when the script runs, not when it was written.

The script knows tables, identity sequences, constraints and indexes -- all a Django migration
makes. A template holding anything else (views, functions, types, triggers, comments, grants,
generated columns, ...) gets no script, and the caller falls back to the clone function.
"""

from django.db import connection, transaction

# The placeholder the execution batch keeps the caller's search path in (a custom setting).
SAVED_PATH = "kontoportal.search_path"

# Everything the script would not reproduce; one row per reason, none when the script is exact.
# Objects of a schema depend on its namespace in pg_depend (indexed), so no query here scans the
# whole catalog.
UNSUPPORTED = """
WITH members AS (
    SELECT d.classid, d.objid FROM pg_depend d
    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = to_regnamespace(quote_ident(%(template)s))
), rels AS (
    SELECT c.* FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
), tables AS (SELECT * FROM rels WHERE relkind = 'r'
), indexes AS (
    SELECT c.*, i.indisclustered, i.indisreplident FROM tables t
    JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class c ON c.oid = i.indexrelid
)
SELECT pg_describe_object(m.classid, m.objid, 0) FROM members m
    LEFT JOIN rels r ON m.classid = 'pg_class'::regclass AND r.oid = m.objid
    WHERE r.relkind IS NULL OR r.relkind NOT IN ('r', 'S')
UNION ALL SELECT 'sequence not of an identity column, or not of its type: ' || s.relname FROM rels s
    WHERE s.relkind = 'S' AND NOT EXISTS (
        SELECT FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        JOIN pg_sequence q ON q.seqrelid = s.oid AND q.seqtypid = a.atttypid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype = 'i' AND a.attidentity <> ''
    )
UNION ALL SELECT 'relation options: ' || r.relname FROM rels r
    WHERE r.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) OR r.relacl IS NOT NULL
       OR r.reloptions IS NOT NULL OR r.reltablespace <> 0 OR r.relpersistence <> 'p'
UNION ALL SELECT 'table options: ' || t.relname FROM tables t
    WHERE t.relreplident <> 'd' OR t.relrowsecurity OR t.relispartition OR t.relhasrules
UNION ALL SELECT 'no columns: ' || t.relname FROM tables t
    WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped)
UNION ALL SELECT 'inheritance: ' || t.relname FROM tables t
    WHERE EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = t.oid OR h.inhparent = t.oid)
UNION ALL SELECT 'trigger: ' || g.tgname FROM tables t JOIN pg_trigger g ON g.tgrelid = t.oid WHERE NOT g.tgisinternal
UNION ALL SELECT 'policy: ' || p.polname FROM tables t JOIN pg_policy p ON p.polrelid = t.oid
UNION ALL SELECT 'statistics: ' || x.stxname FROM tables t JOIN pg_statistic_ext x ON x.stxrelid = t.oid
UNION ALL SELECT 'column options: ' || t.relname || '.' || a.attname FROM tables t
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type ty ON ty.oid = a.atttypid
    WHERE a.attgenerated <> '' OR a.attacl IS NOT NULL OR a.attfdwoptions IS NOT NULL
       -- pg_attver: stamped on every new column by this server itself, the copy gets its own
       OR EXISTS (SELECT FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\\_attver=%%')
       OR a.attstattarget <> -1 OR a.attcompression <> '' OR a.attstorage <> ty.typstorage
UNION ALL SELECT 'index options: ' || i.relname FROM indexes i
    WHERE i.indisclustered OR i.indisreplident OR i.reloptions IS NOT NULL OR i.reltablespace <> 0
UNION ALL SELECT 'comment: ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) FROM pg_description d
    WHERE d.objoid IN (SELECT oid FROM rels UNION ALL SELECT oid FROM indexes
                       UNION ALL SELECT k.oid FROM pg_constraint k JOIN tables t ON k.conrelid = t.oid
                       UNION ALL SELECT to_regnamespace(quote_ident(%(template)s)))
UNION ALL SELECT 'schema grants' FROM pg_namespace n
    WHERE n.oid = to_regnamespace(quote_ident(%(template)s)) AND n.nspacl IS NOT NULL
UNION ALL SELECT 'default privileges' FROM pg_default_acl a
    WHERE a.defaclnamespace = to_regnamespace(quote_ident(%(template)s))
"""

# Per table, in the order the template's tables were made: its CREATE TABLE (with its keys and
# checks: faster than adding them afterwards), the INSERT of its rows, the setval() of its
# identity sequences.
TABLES = """
SELECT 'CREATE TABLE ' || quote_ident(t.relname) || ' (' || string_agg(
        quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
        || CASE WHEN a.attcollation <> ty.typcollation
                THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END
        || CASE WHEN a.atthasdef THEN ' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid) ELSE '' END
        || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
        || CASE WHEN a.attidentity = '' THEN '' ELSE
             ' GENERATED ' || CASE a.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END
             || ' AS IDENTITY (SEQUENCE NAME ' || quote_ident(sc.relname)
             || ' START WITH ' || s.seqstart || ' INCREMENT BY ' || s.seqincrement
             || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' CACHE ' || s.seqcache
             || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END || ')' END,
        ', ' ORDER BY a.attnum)
        || coalesce((SELECT string_agg(', CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid),
            '' ORDER BY k.oid) FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype <> 'f'), '') || ')',
    'INSERT INTO ' || quote_ident(t.relname) || ' (' || string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
        || ') OVERRIDING SYSTEM VALUE SELECT ' || string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
        || ' FROM ' || quote_ident(%(template)s) || '.' || quote_ident(t.relname),
    string_agg('SELECT setval(' || quote_literal(quote_ident(sc.relname)) || ', last_value, is_called) FROM '
        || quote_ident(%(template)s) || '.' || quote_ident(sc.relname), ';' ORDER BY a.attnum)
FROM pg_depend d
JOIN pg_class t ON d.classid = 'pg_class'::regclass AND t.oid = d.objid AND t.relkind = 'r'
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_depend sd ON a.attidentity <> '' AND sd.refclassid = 'pg_class'::regclass AND sd.refobjid = t.oid
    AND sd.refobjsubid = a.attnum AND sd.classid = 'pg_class'::regclass AND sd.deptype = 'i'
LEFT JOIN pg_class sc ON sc.oid = sd.objid AND sc.relkind = 'S'
LEFT JOIN pg_sequence s ON s.seqrelid = sc.oid
WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = to_regnamespace(quote_ident(%(template)s))
GROUP BY t.oid, t.relname
ORDER BY t.oid
"""

# Foreign keys, one ALTER TABLE per table, once every table, key and index is there.
# pg_get_constraintdef() gives DEFERRABLE, NOT VALID and the referenced table (unqualified: the
# template is the search path).
FOREIGN_KEYS = """
SELECT 'ALTER TABLE ' || quote_ident(t.relname) || ' '
    || string_agg('ADD CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), ', ' ORDER BY k.oid)
FROM pg_depend d
JOIN pg_class t ON d.classid = 'pg_class'::regclass AND t.oid = d.objid AND t.relkind = 'r'
JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'
WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = to_regnamespace(quote_ident(%(template)s))
GROUP BY t.oid, t.relname
ORDER BY t.oid
"""

# Indexes of their own (not made by a key, unique or exclusion constraint). pg_get_indexdef()
# always names the table with its schema; the known head
# "CREATE [UNIQUE ]INDEX name ON template.table USING " is replaced by its unqualified form (and
# the script refused if the head is not as expected).
INDEXES = """
SELECT head || ' ON ' || quote_ident(t.relname) || ' USING ', def, qualified
FROM pg_depend d
JOIN pg_class t ON d.classid = 'pg_class'::regclass AND t.oid = d.objid AND t.relkind = 'r'
JOIN pg_index i ON i.indrelid = t.oid
JOIN pg_class c ON c.oid = i.indexrelid
CROSS JOIN LATERAL (SELECT 'CREATE ' || CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX '
    || quote_ident(c.relname) AS head) h
CROSS JOIN LATERAL (SELECT pg_get_indexdef(i.indexrelid) AS def,
    h.head || ' ON ' || quote_ident(%(template)s) || '.' || quote_ident(t.relname) || ' USING ' AS qualified) q
WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = to_regnamespace(quote_ident(%(template)s))
    AND NOT EXISTS (SELECT FROM pg_constraint k
                    WHERE k.conrelid = t.oid AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY i.indexrelid
"""


def template_script_build(template: str) -> str | None:
    """The script that rebuilds `template` in the schema first in the search path, or None when
    the template holds something the script does not reproduce."""
    with transaction.atomic(), connection.cursor() as cursor:
        params = {"template": template}
        cursor.execute(UNSUPPORTED, params)
        if cursor.fetchall():
            return None
        # Read the definitions with the template alone in the search path, so its own objects
        # come out unqualified (and anything outside it, e.g. public.x, qualified).
        cursor.execute(
            "SELECT current_setting('search_path'), set_config('search_path', quote_ident(%s), true)", [template]
        )
        saved = cursor.fetchone()[0]
        cursor.execute(TABLES, params)
        tables = cursor.fetchall()
        cursor.execute(FOREIGN_KEYS, params)
        foreign_keys = cursor.fetchall()
        cursor.execute(INDEXES, params)
        indexes = cursor.fetchall()
        # (on an error the savepoint's rollback puts the search path back)
        cursor.execute("SELECT set_config('search_path', %s, true)", [saved])
    statements = [create for create, _, _ in tables] + [insert for _, insert, _ in tables]
    statements += [setvals for _, _, setvals in tables if setvals]
    for head, definition, qualified in indexes:
        if not definition.startswith(qualified):  # pragma: no cover - PostgreSQL's own format
            return None
        statements.append(head + definition.removeprefix(qualified))
    statements += [alter for (alter,) in foreign_keys]
    return ";\n".join(statements) + ";\n"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def template_script_run(script: str, *, target: str) -> None:
    """Create schema `target` and run `script` in it, in one round trip; the caller's search
    path is put back at the end (the batch is one statement string, so no parameters)."""
    quoted = '"' + target.replace('"', '""') + '"'
    batch = (
        f"CREATE SCHEMA {quoted};\n"
        f"SELECT set_config({_literal(SAVED_PATH)}, current_setting('search_path'), true),"
        f" set_config('search_path', {_literal(quoted)}, true);\n"
        f"{script}"
        f"SELECT set_config('search_path', current_setting({_literal(SAVED_PATH)}), true);"
    )
    with connection.cursor() as cursor:
        cursor.execute(batch)
