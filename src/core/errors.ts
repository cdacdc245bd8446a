/**
 * The one error hierarchy of the project. Every error a user can cause is a
 * subclass of {@link MmmError}; the CLI prints `error: <message>` on one line
 * and exits with {@link MmmError.exitCode}.
 */

/** Base class: an error with a process exit code (2 = bad input or usage, 1 = other failure). */
export class MmmError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Where in a user's file a problem is. `row` is 1-based and counts data rows (the header is row 0). */
export interface Location {
  file?: string;
  row?: number;
  column?: string;
}

/** Formats a location as `file.csv row 12 column "spend"`; omits the parts that are unknown. */
export function formatLocation(loc: Location): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.column !== undefined) parts.push(`column "${loc.column}"`);
  return parts.join(' ');
}

/** Bad input data: names the file, row and column where it can. Exit code 2. */
export class ValidationError extends MmmError {
  readonly location: Location;
  readonly detail: string;
  constructor(detail: string, location: Location = {}) {
    const where = formatLocation(location);
    super(where ? `${where}: ${detail}` : detail, 2);
    this.location = location;
    this.detail = detail;
  }
}

/** Bad command-line usage or configuration. Exit code 2. */
export class UsageError extends MmmError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A numerical fit that did not converge; carries its diagnostics. Exit code 1. */
export class ConvergenceError extends MmmError {
  readonly diagnostics: Record<string, unknown>;
  constructor(message: string, diagnostics: Record<string, unknown> = {}) {
    super(message, 1);
    this.diagnostics = diagnostics;
  }
}

/** A problem that is well formed but has no solution (e.g. an infeasible allocation). Exit code 1. */
export class InfeasibleError extends MmmError {
  constructor(message: string) {
    super(message, 1);
  }
}
