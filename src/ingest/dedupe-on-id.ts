/**
 * Duplicate ids in a raw file: exact copies are dropped with a warning, an id
 * reused for different values is an error naming both rows.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { sqlIdent, sqlString, type Db } from './duckdb.ts';
import { inFileOrder, numberedRelation, type RawSource } from './source.ts';

/** Ids per hash partition in the duplicate-id check (see {@link dedupeOnId}). */
const IDS_PER_PARTITION = 1_000_000;

/**
 * Checks ids: exact copies of a row (same id, same values) are dropped with a
 * warning; an id reused for different content is an error. Returns the
 * relation to stage from: `v_<name>` when there are no duplicates.
 *
 * Out of core: one scan writes each row's 64-bit id hash to Parquet files, one
 * per hash partition of about {@link IDS_PER_PARTITION} rows, and each
 * partition is grouped on its own, so memory does not grow with the file.
 * Hashes seen more than once are a superset of the duplicated ids (equal ids
 * hash equal); only the rows with those hashes are then numbered and compared.
 */
export async function dedupeOnId(db: Db, src: RawSource, idCol: string, otherCols: string[], rowCount: number, warnings: string[]): Promise<string> {
  const view = `v_${src.spec.name}`;
  const id = sqlIdent(idCol);
  const parts = Math.max(1, Math.ceil(rowCount / IDS_PER_PARTITION));
  const dir = join(db.scratchDir, src.spec.name);
  const dupHashes = `dup_hash_${src.spec.name}`;
  await mkdir(db.scratchDir, { recursive: true });
  await db.run(`COPY (SELECT hash(${id}) AS h, hash(${id}) % ${parts} AS p FROM ${view}) TO ${sqlString(dir)} (FORMAT parquet, PARTITION_BY (p))`);
  const hashes = `read_parquet(${sqlString(join(dir, '**', '*.parquet'))}, hive_partitioning = true)`;
  const written = (await db.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM ${hashes}`))[0].n;
  if (written !== rowCount) throw new Error(`duplicate-id check: ${written} id hashes written for ${rowCount} rows of ${src.file}`);
  await db.run(`CREATE TABLE ${dupHashes} (h UBIGINT)`);
  for (let p = 0; p < parts; p++) {
    await db.run(`INSERT INTO ${dupHashes} SELECT h FROM ${hashes} WHERE p = ${p} GROUP BY h HAVING count(*) > 1`);
  }
  await rm(dir, { recursive: true, force: true });
  if ((await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${dupHashes}`))[0].n === 0) return view;

  const candidates = `dup_rows_${src.spec.name}`;
  await inFileOrder(db, src, () => db.run(`CREATE TABLE ${candidates} AS SELECT * FROM ${numberedRelation(src)} WHERE hash(${id}) IN (SELECT h FROM ${dupHashes})`));
  const payload = otherCols.map((c) => `coalesce(${sqlIdent(c)}, '')`).join(` || chr(31) || `);
  const conflict = await db.all<{ _row: number; id: string; first: number }>(`
    WITH f AS (SELECT _row, ${id} AS id, ${payload} AS payload, min(_row) OVER (PARTITION BY ${id}) AS first_row,
                      first_value(${payload}) OVER (PARTITION BY ${id} ORDER BY _row) AS first_payload FROM ${candidates})
    SELECT _row::INTEGER AS _row, id, first_row::INTEGER AS first FROM f WHERE payload <> first_payload ORDER BY _row LIMIT 1`);
  if (conflict.length) {
    const c = conflict[0];
    throw new ValidationError(`duplicate id "${c.id}" (first seen at row ${c.first}) with different values`, { file: src.file, row: c._row, column: idCol });
  }
  const dropped = (await db.all<{ n: number }>(`SELECT (count(*) - count(DISTINCT ${id}))::INTEGER AS n FROM ${candidates}`))[0].n;
  if (dropped === 0) return view; // only hash collisions
  warnings.push(`${src.file}: dropped ${dropped} exact duplicate row(s) (same ${idCol} and values)`);
  const cols = [idCol, ...otherCols].map(sqlIdent).join(', ');
  return `(SELECT ${cols} FROM ${view} ANTI JOIN ${dupHashes} d ON hash(${view}.${id}) = d.h
           UNION ALL
           SELECT ${cols} FROM ${candidates} QUALIFY row_number() OVER (PARTITION BY ${id} ORDER BY _row) = 1)`;
}
