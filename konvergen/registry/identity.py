"""Cross-source identity: which families and persons of a new snapshot the register already
holds under another source's IDs. Plain DuckDB over Arrow, no Django.

A snapshot of one source (say DTSEN) arrives for a region whose register already holds
another source's snapshots (say P3KE) of largely the same families. Source IDs differ between
sources, so the families are matched on what the national data shares:

1. **No KK** — a valid 16-digit KK number held by exactly one new family and exactly one
   register family;
2. **members** — the new family's members vote for register families: a member counts for a
   register family holding a person with the same valid NIK, or with the same normalised name,
   birth date and desa. The register family with most votes (at least one, no tie) is taken,
   unless another new family has more votes for it.

Persons are then matched within that picture: same valid NIK (unique on both sides), else the
same normalised name and birth date inside the same (already unified) family.

Every match is one-to-one: a register identity is claimed by at most one new identity, and
candidates are only identities that hold no ID of the incoming source yet (so a family never
carries two IDs of one source). Ambiguous cases stay unmatched and become new identities:
a false split is visible and mergeable later (the linkage review), a false merge is not.
"""

import duckdb
import pyarrow as pa

#: A usable NIK / No KK: 16 digits, not all zeros.
VALID_ID = "regexp_full_match(coalesce({0}, ''), '[0-9]{{16}}') AND {0} <> '0000000000000000'"
#: Names compared as letters only, upper case (titles and punctuation typed differently
#: between sources do not split a person).
NAME_KEY = "nullif(regexp_replace(upper(coalesce({0}, '')), '[^A-Z]', '', 'g'), '')"


def _valid(column: str) -> str:
    return VALID_ID.format(column)


def _name(column: str) -> str:
    return NAME_KEY.format(column)


def match_families(
    *,
    new_families: pa.Table,
    new_members: pa.Table,
    register_families: pa.Table,
    register_persons: pa.Table,
) -> pa.Table:
    """Register family for each new family that can be matched.

    ``new_families``: ``pos`` (int64), ``kk_number``; ``new_members``: ``pos`` (the family's),
    ``nik``, ``name``, ``birth_date``, ``region_code``; ``register_families``: ``id``,
    ``kk_number`` (candidates only); ``register_persons``: ``family_id``, ``nik``, ``name``,
    ``birth_date``, ``region_code`` (members of candidate families).
    Returns ``pos``, ``family_id``, ``method`` ("kk" or "members").
    """
    con = duckdb.connect()
    con.register("nf", new_families)
    con.register("nm", new_members)
    con.register("rf", register_families)
    con.register("rp", register_persons)
    by_kk = con.sql(f"""
        WITH n AS (SELECT pos, kk_number FROM nf WHERE {_valid('kk_number')}
                   QUALIFY count(*) OVER (PARTITION BY kk_number) = 1),
             r AS (SELECT id, kk_number FROM rf WHERE {_valid('kk_number')}
                   QUALIFY count(*) OVER (PARTITION BY kk_number) = 1)
        SELECT n.pos, r.id AS family_id, 'kk' AS method FROM n JOIN r USING (kk_number)
    """).to_arrow_table()
    con.register("by_kk", by_kk)
    by_members = con.sql(f"""
        WITH n AS (SELECT nm.* FROM nm ANTI JOIN by_kk USING (pos)),
             r AS (SELECT rp.* FROM rp ANTI JOIN by_kk ON rp.family_id = by_kk.family_id),
             n_nik AS (SELECT pos, nik FROM n WHERE {_valid('nik')}
                       QUALIFY count(*) OVER (PARTITION BY nik) = 1),
             r_nik AS (SELECT family_id, nik FROM r WHERE {_valid('nik')}
                       QUALIFY count(*) OVER (PARTITION BY nik) = 1),
             n_key AS (SELECT pos, {_name('name')} AS nk, birth_date, region_code FROM n
                       WHERE birth_date IS NOT NULL AND {_name('name')} IS NOT NULL
                       QUALIFY count(*) OVER (PARTITION BY nk, birth_date, region_code) = 1),
             r_key AS (SELECT family_id, {_name('name')} AS nk, birth_date, region_code FROM r
                       WHERE birth_date IS NOT NULL AND {_name('name')} IS NOT NULL
                       QUALIFY count(*) OVER (PARTITION BY nk, birth_date, region_code) = 1),
             votes AS (
                 SELECT pos, family_id, count(*) AS v FROM (
                     SELECT pos, family_id FROM n_nik JOIN r_nik USING (nik)
                     UNION ALL
                     SELECT pos, family_id FROM n_key JOIN r_key
                         USING (nk, birth_date, region_code))
                 GROUP BY pos, family_id),
             best_for_new AS (
                 SELECT pos, family_id, v FROM votes
                 QUALIFY v = max(v) OVER (PARTITION BY pos)
                     AND count(*) OVER (PARTITION BY pos, v) = 1)
        SELECT pos, family_id, 'members' AS method FROM best_for_new
        QUALIFY v = max(v) OVER (PARTITION BY family_id)
            AND count(*) OVER (PARTITION BY family_id, v) = 1
    """).to_arrow_table()
    return pa.concat_tables([by_kk, by_members]).combine_chunks()


def match_persons(*, new_persons: pa.Table, register_persons: pa.Table) -> pa.Table:
    """Register person for each new person that can be matched.

    ``new_persons``: ``pos`` (int64), ``family_id`` (the unified family), ``nik``, ``name``,
    ``birth_date``; ``register_persons``: ``id``, ``family_id``, ``nik``, ``name``,
    ``birth_date`` (candidates only). Returns ``pos``, ``person_id``, ``method``.
    """
    con = duckdb.connect()
    con.register("np", new_persons)
    con.register("rp", register_persons)
    by_nik = con.sql(f"""
        WITH n AS (SELECT pos, nik FROM np WHERE {_valid('nik')}
                   QUALIFY count(*) OVER (PARTITION BY nik) = 1),
             r AS (SELECT id, nik FROM rp WHERE {_valid('nik')}
                   QUALIFY count(*) OVER (PARTITION BY nik) = 1)
        SELECT n.pos, r.id AS person_id, 'nik' AS method FROM n JOIN r USING (nik)
    """).to_arrow_table()
    con.register("by_nik", by_nik)
    by_name = con.sql(f"""
        WITH n AS (SELECT pos, family_id, {_name('name')} AS nk, birth_date FROM np
                   ANTI JOIN by_nik USING (pos)
                   WHERE birth_date IS NOT NULL AND {_name('name')} IS NOT NULL
                   QUALIFY count(*) OVER (PARTITION BY family_id, nk, birth_date) = 1),
             r AS (SELECT id, family_id, {_name('name')} AS nk, birth_date FROM rp
                   ANTI JOIN by_nik ON rp.id = by_nik.person_id
                   WHERE birth_date IS NOT NULL AND {_name('name')} IS NOT NULL
                   QUALIFY count(*) OVER (PARTITION BY family_id, nk, birth_date) = 1)
        SELECT n.pos, r.id AS person_id, 'name' AS method
        FROM n JOIN r USING (family_id, nk, birth_date)
    """).to_arrow_table()
    return pa.concat_tables([by_nik, by_name]).combine_chunks()
