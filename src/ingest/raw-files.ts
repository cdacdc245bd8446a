/** The raw-events input format (README: "Bring your own data") and the files present in a raw folder. */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError, ValidationError } from '../core/errors.ts';
import { opt, req, type SourceSpec } from './source.ts';

/** Names of the raw sources. */
export type RawSourceName = 'spend' | 'events' | 'orders' | 'controls' | 'holidays' | 'channels';

/** The raw-input format: each source's file name (without extension) and columns. */
export const RAW_SOURCES: Record<RawSourceName, SourceSpec> = {
  spend: { name: 'spend', required: true, columns: [req('date'), req('channel'), opt('campaign'), req('spend'), opt('impressions'), opt('clicks')] },
  events: { name: 'events', required: false, columns: [req('event_id'), req('timestamp'), req('customer_id'), req('channel'), req('type')] },
  orders: { name: 'orders', required: true, columns: [req('order_id'), req('customer_id'), req('timestamp'), req('amount'), req('currency')] },
  controls: { name: 'controls', required: false, columns: [req('date'), req('name'), req('value')] },
  holidays: { name: 'holidays', required: false, columns: [req('date'), req('name')] },
  channels: { name: 'channels', required: false, columns: [req('channel'), req('kind'), opt('group')] },
};

/** The raw files of a folder, by source. */
export type RawFiles = Partial<Record<RawSourceName, string>>;

const EXTENSIONS = ['.csv', '.csv.gz', '.parquet'];

/** Finds `<dir>/<name>.csv|.csv.gz|.parquet`; two of them at once is ambiguous and an error. */
export function findRawFile(dir: string, name: string): string | null {
  const found = EXTENSIONS.map((e) => join(dir, name + e)).filter((p) => existsSync(p));
  if (found.length > 1) throw new ValidationError(`more than one file for "${name}": ${found.map((f) => basename(f)).join(', ')}`, { file: dir });
  return found[0] ?? null;
}

/**
 * The raw files present in a folder, by source name.
 * @throws UsageError when the folder does not exist; ValidationError when a required file is missing
 */
export function rawInputFiles(raw: string): RawFiles {
  if (!existsSync(raw)) throw new UsageError(`raw input folder not found: ${raw}`);
  const files: RawFiles = {};
  for (const src of Object.values(RAW_SOURCES)) {
    const f = findRawFile(raw, src.name);
    if (f) files[src.name as RawSourceName] = f;
    else if (src.required) throw new ValidationError(`required file missing (expected ${src.name}.csv, ${src.name}.csv.gz or ${src.name}.parquet)`, { file: join(raw, `${src.name}.csv`) });
  }
  return files;
}
