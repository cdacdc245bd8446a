/** The roles of the columns of an ingest folder's `mmm_input.csv`, as its manifest records them. */
import { join } from 'node:path';
import { readManifest } from '../core/artifacts.ts';
import { ValidationError } from '../core/errors.ts';
import type { InputColumns } from './types.ts';

/**
 * Reads `metrics.columns` of the ingest folder's manifest: which column of
 * mmm_input is the date, the target, a channel, organic, a control, a factor,
 * the holiday flag. Later stages read the table through it, whichever ingest wrote it.
 * @throws ValidationError when the folder has no complete manifest or one without the roles (an ingest before ingest@3)
 */
export async function readInputColumns(ingestDir: string): Promise<InputColumns> {
  const manifest = await readManifest(ingestDir);
  const columns = (manifest?.metrics as { columns?: InputColumns } | undefined)?.columns;
  if (!columns) throw new ValidationError('no column roles in its manifest (an ingest older than ingest@3: run it again)', { file: join(ingestDir, 'manifest.json') });
  return columns;
}
