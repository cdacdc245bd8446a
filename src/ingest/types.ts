/**
 * Options of the two ingests (raw events, weekly table) and the schema of the
 * weekly-table spec. The zod schema is the one place the spec's types,
 * defaults and errors come from; the config's `input` block can embed it.
 */
import { z } from 'zod';
import type { Manifest } from '../core/artifacts.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const columnList = z.array(z.string().min(1)).default([]);

/** Where holiday flags come from: a country's public holidays (date-holidays), a `date,name` file, or none. */
export const HolidaySourceSchema = z.union([z.strictObject({ country: z.string().min(2) }), z.strictObject({ file: z.string().min(1) }), z.null()]);
export type HolidaySource = z.infer<typeof HolidaySourceSchema>;

/** An exposure column (impressions, clicks) and the paid channel it belongs to. */
export const ExposureSchema = z.strictObject({ column: z.string().min(1), channel: z.string().min(1) });

/**
 * A weekly table and the role of each of its columns (Robyn's and
 * PyMC-Marketing's input). Column names are used exactly as written.
 */
export const WeeklyTableSpecSchema = z.strictObject({
  /** The weekly CSV (comma separated, UTF-8, a header row). */
  file: z.string().min(1),
  /** Date column: YYYY-MM-DD, one row per week, rows 7 days apart; each date labels the 7 days starting on it (ending on it with weekEnding). */
  dateCol: z.string().min(1),
  /** The dates label the last day of their week (a week-ending export), not the first: holidays are flagged in the 7 days ending on each date. */
  weekEnding: z.boolean().default(false),
  /** Target column (weekly revenue); may not be constant. */
  target: z.string().min(1),
  /** Paid media spend columns (>= 0), at least one. */
  channels: z.array(z.string().min(1)).min(1),
  /** Numeric context columns (default none); one constant over the window is dropped with a warning. */
  controls: columnList,
  /** Categorical context columns, kept as text (default none): "na" is a level, not a missing value. */
  factors: columnList,
  /** Organic activity columns without spend (>= 0; default none), e.g. newsletter sends. */
  organic: columnList,
  /** Exposure columns kept beside spend, not modelled (default none). */
  exposures: z.array(ExposureSchema).default([]),
  /** Holiday flags (default none). */
  holidays: HolidaySourceSchema.default(null),
  /** Modelling window, inclusive (default: every week; a left-out end is the data's first or last week); weeks before it stay in the table to warm up adstock. */
  window: z
    .strictObject({ start: isoDate.optional(), end: isoDate.optional() })
    .refine((w) => w.start !== undefined || w.end !== undefined, 'give a start or an end')
    .nullable()
    .default(null),
});
/** The spec as a user writes it (optional fields may be left out). */
export type WeeklyTableSpecInput = z.input<typeof WeeklyTableSpecSchema>;
/** The spec with defaults filled. */
export type WeeklyTableSpec = z.output<typeof WeeklyTableSpecSchema>;

/** Options of a run of either ingest, besides its input. */
export interface RunOptions {
  /** Output folder, written atomically with manifest.json. */
  out: string;
  /** Latest date any dated row may carry, YYYY-MM-DD (default: today, UTC). Holiday calendars are exempt. */
  asOf?: string;
  /** Weeks after the data whose holiday flags `dim_week_future` gives (default 52). */
  futureWeeks?: number;
  /** DuckDB threads (default 2). */
  threads?: number;
  /** DuckDB memory limit (default 128MB). */
  memoryLimit?: string;
  runId?: string;
}

/** Options of the raw-events ingest (`mmm ingest --raw`). */
export interface IngestOptions extends RunOptions {
  /** Raw input folder (README: "Bring your own data"). */
  raw: string;
  /** Country (or region, e.g. DE-BY) whose public holidays flag the weeks when the folder has no holidays file (default none). */
  country?: string;
}

/** What either ingest returns. */
export interface IngestResult {
  dir: string;
  manifest: Manifest;
  skipped: boolean;
}

/**
 * The roles of the columns of `mmm_input.csv`, recorded in the manifest's
 * metrics as `columns`, so later stages read the table without knowing which
 * ingest wrote it.
 */
export interface InputColumns {
  date: string;
  target: string;
  channels: string[];
  organic: string[];
  controls: string[];
  factors: string[];
  /** The 0/1 holiday column, or null when the run has no holiday source (or its flag never varies). */
  holiday: string | null;
}
