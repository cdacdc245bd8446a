/**
 * The pipeline's log. When stderr is not a terminal (cron, Airflow) every
 * entry is one JSON line from pino: `{ timestamp, level, stage, message,
 * fields }`. On a terminal the same entries are plain lines, with a live
 * progress bar (cli-progress) for the long phases. `quiet` keeps warnings and
 * errors only.
 */
import { SingleBar } from 'cli-progress';
import pino from 'pino';

export type LogFields = Record<string, unknown>;
export type LogLevel = 'info' | 'warn' | 'error';

/** One log entry, as kept by {@link memoryLog}. */
export interface LogEntry {
  level: LogLevel;
  stage?: string;
  message: string;
  fields?: LogFields;
}

export interface Log {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** The same log with a stage attached to every entry. */
  child(bindings: { stage: string }): Log;
  /** Progress of a long phase (search, bootstrap): a live bar on a terminal, nothing elsewhere. */
  progress(phase: string, done: number, total: number): void;
}

type Sink = (e: LogEntry) => void;

function logOver(sink: Sink, stage?: string, progress: Log['progress'] = () => {}): Log {
  const entry = (level: LogLevel) => (message: string, fields?: LogFields) => sink({ level, ...(stage ? { stage } : {}), message, ...(fields && Object.keys(fields).length ? { fields } : {}) });
  return { info: entry('info'), warn: entry('warn'), error: entry('error'), child: (b) => logOver(sink, b.stage, progress), progress };
}

/** A log that drops everything. */
export const silentLog: Log = logOver(() => {});

/** A log that keeps its entries in memory (tests, and the run record's warnings). */
export function memoryLog(): Log & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return Object.assign(
    logOver((e) => entries.push(e)),
    { entries },
  );
}

/** A log that sends every entry to each of the given logs. */
export function teeLog(...logs: Log[]): Log {
  return {
    info: (m, f) => logs.forEach((l) => l.info(m, f)),
    warn: (m, f) => logs.forEach((l) => l.warn(m, f)),
    error: (m, f) => logs.forEach((l) => l.error(m, f)),
    child: (b) => teeLog(...logs.map((l) => l.child(b))),
    progress: (p, d, t) => logs.forEach((l) => l.progress(p, d, t)),
  };
}

/** JSON lines on a file descriptor (default stderr), written synchronously so nothing is lost at exit. */
export function jsonLog(opts: { quiet?: boolean; fd?: number } = {}): Log {
  const logger = pino(
    {
      base: null,
      messageKey: 'message',
      level: opts.quiet ? 'warn' : 'info',
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: opts.fd ?? 2, sync: true }),
  );
  return logOver((e) => logger[e.level]({ ...(e.stage ? { stage: e.stage } : {}), ...(e.fields ? { fields: e.fields } : {}) }, e.message));
}

/** Plain lines for a person at a terminal, with a progress bar for long phases. */
export function terminalLog(opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Log {
  const stream = opts.stream ?? process.stderr;
  let bar: { phase: string; bar: SingleBar } | null = null;
  const stopBar = () => {
    bar?.bar.stop();
    bar = null;
  };
  const sink: Sink = (e) => {
    if (opts.quiet && e.level === 'info') return;
    stopBar();
    const tag = e.level === 'info' ? '' : `${e.level === 'warn' ? 'warning' : 'error'}${e.stage ? ` [${e.stage}]` : ''}: `;
    stream.write(`${e.level === 'info' ? '  ' : ''}${tag}${e.message}\n`);
  };
  const progress: Log['progress'] = (phase, done, total) => {
    if (opts.quiet) return;
    if (bar?.phase !== phase) {
      stopBar();
      bar = { phase, bar: new SingleBar({ stream, format: `  ${phase.padEnd(10)} [{bar}] {value}/{total} {eta_formatted}`, hideCursor: true, clearOnComplete: true }) };
      bar.bar.start(total, done);
    } else bar.bar.update(done);
    if (done >= total) stopBar();
  };
  return logOver(sink, undefined, progress);
}

/** The log for the CLI: JSON lines unless stderr is a terminal. */
export function cliLog(opts: { quiet?: boolean } = {}): Log {
  return process.stderr.isTTY ? terminalLog(opts) : jsonLog(opts);
}
