/**
 * The model's settings as the weekly pipeline derives them from the ingest's
 * outputs and the config: which columns are channels and controls, the lift
 * studies of calibration.csv (checked against the data), and the MMM
 * parameters the drift and mmm stages both record. Read once per ingest folder.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../../src/core/config.ts';
import { queryFiles, sqlString } from '../../src/ingest/duckdb.ts';
import type { InputColumns } from '../../src/ingest/index.ts';
import { resolveCalibration } from '../../src/mmm/fit.ts';
import type { CalibrationStudy, WeeklyData } from '../../src/mmm/types.ts';
import { readCalibrationCsv, readWeeklyCsv } from '../mmm.ts';
import type { StageInputs } from '../runner.ts';

/** The modelling table of an ingest folder and its column roles. */
export interface ModelInput {
  channels: string[];
  controls: string[];
  /** Spend column -> channel name. */
  channelOf: Record<string, string>;
  data: WeeklyData;
  /** The modelling window of a weekly-table input (weeks before it warm up the adstock), or null. */
  window: { start: string; end: string } | null;
  /**
   * The window as the config sets it (an end left open follows the data), or null: what the model's
   * settings record, so a new week does not count as a changed window, and the fixed end drift keeps to.
   */
  windowSetting: { start?: string; end?: string } | null;
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
    hit = readInput(inputs, cfg);
    inputCache.set(input, hit);
  }
  return hit;
}

/**
 * The model input plus the lift studies of a calibration file (checked against
 * the data) and the MMM parameters.
 * @param calibrationFile the lift studies (raw folder's calibration.csv, or the weekly input's), or null
 */
export function modelSettings(inputs: StageInputs, cfg: Config, calibrationFile: string | null): Promise<ModelSettings> {
  const key = `${inputs.file('ingest', 'mmm_input.csv')}\0${calibrationFile}`;
  let hit = settingsCache.get(key);
  if (!hit) {
    hit = modelInput(inputs, cfg).then((input) => withCalibration(input, cfg, calibrationFile));
    settingsCache.set(key, hit);
  }
  return hit;
}

async function readInput(inputs: StageInputs, cfg: Config): Promise<ModelInput> {
  const manifest = inputs.up.ingest.manifest;
  const columns = (manifest.metrics as { columns: InputColumns }).columns;
  const rows = await queryFiles<{ channel: string; spend_column: string }>(
    `SELECT channel, spend_column FROM read_parquet(${sqlString(inputs.file('ingest', 'dim_channel.parquet'))}) WHERE has_spend`,
  );
  const channelOf = Object.fromEntries(rows.map((r) => [r.spend_column, r.channel]));
  const holiday = columns.holiday ? [columns.holiday] : [];
  const controls = cfg.mmm.controls ?? [...columns.controls, ...holiday.filter((h) => !columns.controls.includes(h))];
  const data = await readWeeklyCsv(inputs.file('ingest', 'mmm_input.csv'), columns.date, columns.target, columns.channels, controls, { factors: columns.factors, organic: columns.organic });
  // The model's errors about the data as a whole (too few weeks) name the user's input, not the ingest's internal table.
  data.file = manifest.inputs[0]?.path ?? data.file;
  const window = (manifest.metrics as { window?: { start: string; end: string } | null }).window ?? null;
  const setting = cfg.input?.spec.window;
  const windowSetting = window && setting ? { ...(setting.start ? { start: setting.start } : {}), ...(setting.end ? { end: setting.end } : {}) } : null;
  return { channels: columns.channels, controls, channelOf, data, window, windowSetting };
}

async function withCalibration(input: ModelInput, cfg: Config, calibrationFile: string | null): Promise<ModelSettings> {
  // Lift studies (channels by name or spend column), checked against the data before any model is built on them.
  const aliases = Object.fromEntries(Object.entries(input.channelOf).map(([column, channel]) => [channel, column]));
  const calibration = calibrationFile && existsSync(calibrationFile) ? await readCalibrationCsv(calibrationFile, aliases) : [];
  resolveCalibration(calibration, input.data);
  const { threads: _threads, controls: _controls, ...settings } = cfg.mmm;
  const mmmParams = {
    ...settings,
    seed: cfg.seed,
    channels: input.channels,
    controls: input.controls,
    ...(input.data.factors?.length ? { factors: input.data.factors.map((f) => f.name) } : {}),
    ...(input.data.organic?.length ? { organic: input.data.organic.map((o) => o.name) } : {}),
    ...(input.windowSetting ? { window: input.windowSetting } : {}),
    ...(calibration.length ? { calibration: calibration.map(({ channel, from, to, lift }) => ({ channel, from, to, lift })) } : {}),
  };
  return { ...input, calibration, mmmParams };
}

/** The calibration file as a declared input, when there is one. */
export function calibrationFiles(calibrationFile: string | null): { path: string; label: string }[] {
  return calibrationFile && existsSync(calibrationFile) ? [{ path: calibrationFile, label: 'calibration.csv' }] : [];
}
