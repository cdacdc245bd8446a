/**
 * The model's settings as the weekly pipeline derives them from the ingest's
 * outputs and the config: which columns are channels and controls, the lift
 * studies of calibration.csv (checked against the data), and the MMM
 * parameters the drift and mmm stages both record. Read once per ingest folder.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../src/core/config.ts';
import { parseCsv } from '../../src/core/csv.ts';
import { queryFiles, sqlString } from '../../src/ingest/duckdb.ts';
import { resolveCalibration } from '../../src/mmm/fit.ts';
import type { CalibrationStudy, WeeklyData } from '../../src/mmm/types.ts';
import { readCalibrationCsv, readWeeklyCsv } from '../mmm.ts';
import type { StageInputs } from '../runner.ts';

const NON_CONTROL = new Set(['date', 'revenue', 'orders', 'new_customers']);

/** The modelling table of an ingest folder and its column roles. */
export interface ModelInput {
  channels: string[];
  controls: string[];
  /** Spend column -> channel name. */
  channelOf: Record<string, string>;
  data: WeeklyData;
}

export interface ModelSettings extends ModelInput {
  calibration: CalibrationStudy[];
  /** The MMM stage's parameters (also recorded by drift, so changed settings refit). */
  mmmParams: Record<string, unknown>;
}

/** The ingest files the model input is read from (declared by every stage that calls {@link modelInput}). */
export const SETTINGS_READS = ['mmm_input.csv', 'dim_channel.parquet'] as const;

const inputCache = new Map<string, Promise<ModelInput>>();
const settingsCache = new Map<string, Promise<ModelSettings>>();

/** The modelling table of this run's ingest output (read once per process). */
export function modelInput(inputs: StageInputs, cfg: Config): Promise<ModelInput> {
  const input = inputs.file('ingest', 'mmm_input.csv');
  let hit = inputCache.get(input);
  if (!hit) {
    hit = readInput(input, inputs.file('ingest', 'dim_channel.parquet'), cfg);
    inputCache.set(input, hit);
  }
  return hit;
}

/** The model input plus the lift studies of the raw folder's calibration.csv (checked against the data) and the MMM parameters. */
export function modelSettings(inputs: StageInputs, cfg: Config, rawDir: string): Promise<ModelSettings> {
  const key = `${inputs.file('ingest', 'mmm_input.csv')}\0${rawDir}`;
  let hit = settingsCache.get(key);
  if (!hit) {
    hit = modelInput(inputs, cfg).then((input) => withCalibration(input, cfg, join(rawDir, 'calibration.csv')));
    settingsCache.set(key, hit);
  }
  return hit;
}

async function readInput(input: string, dimChannel: string, cfg: Config): Promise<ModelInput> {
  const rows = await queryFiles<{ channel: string; spend_column: string }>(`SELECT channel, spend_column FROM read_parquet(${sqlString(dimChannel)}) WHERE has_spend ORDER BY spend_column`);
  const channels = rows.map((r) => r.spend_column);
  const channelOf = Object.fromEntries(rows.map((r) => [r.spend_column, r.channel]));
  const header = parseCsv((await readFile(input, 'utf8')).split('\n', 1)[0] + '\n', 'mmm_input.csv').header;
  const controls = cfg.mmm.controls ?? header.filter((h) => !NON_CONTROL.has(h) && !channels.includes(h));
  return { channels, controls, channelOf, data: await readWeeklyCsv(input, 'date', 'revenue', channels, controls) };
}

async function withCalibration(input: ModelInput, cfg: Config, calibrationFile: string): Promise<ModelSettings> {
  // Lift studies (channels by name or spend column), checked against the data before any model is built on them.
  const aliases = Object.fromEntries(Object.entries(input.channelOf).map(([column, channel]) => [channel, column]));
  const calibration = existsSync(calibrationFile) ? await readCalibrationCsv(calibrationFile, aliases) : [];
  resolveCalibration(calibration, input.data);
  const mmmParams = {
    seed: cfg.seed, trials: cfg.mmm.trials, iterations: cfg.mmm.iterations, bootstrap: cfg.mmm.bootstrap, channels: input.channels, controls: input.controls,
    ...(calibration.length ? { calibration: calibration.map(({ channel, from, to, lift }) => ({ channel, from, to, lift })) } : {}),
  };
  return { ...input, calibration, mmmParams };
}

/** The raw folder's calibration.csv as a declared file, when it exists. */
export function calibrationFiles(rawDir: string): { path: string; label: string }[] {
  const path = join(rawDir, 'calibration.csv');
  return existsSync(path) ? [{ path, label: 'calibration.csv' }] : [];
}
