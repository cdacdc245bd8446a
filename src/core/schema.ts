/**
 * The one schema layer: every config, option set, problem and artifact file
 * that crosses a boundary is parsed with a zod schema, whose inferred type the
 * writer and the reader share. Failures become one line naming the file and
 * the key path: `mmm.config.json: optimise.constraints[0].sense: must be one of "<=", ">=", "="`.
 */
import { z } from 'zod';
import { UsageError, ValidationError } from './errors.ts';

type Issue = z.core.$ZodIssue;

/** `a.b[2].c` from a zod path. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '$';
}

/** `a.b[2]: ` before a message about that key path; nothing for the whole value's own fault (an unknown top-level key). */
export function pathPrefix(path: readonly PropertyKey[]): string {
  return path.length ? `${keyPath(path)}: ` : '';
}

/** The schema at a key path of a schema, optional/nullable/default/pipe wrappers removed (undefined where the path leaves it). */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType };
  const unwrap = (t: z.ZodType | undefined): z.ZodType | undefined => {
    let cur = t;
    for (;;) {
      const def = (cur as unknown as { def?: Def } | undefined)?.def;
      if (def?.innerType) cur = def.innerType;
      else if (def?.type === 'pipe' && def.in) cur = def.in;
      else return cur;
    }
  };
  let s = unwrap(schema);
  for (const p of path) {
    const def = (s as unknown as { def?: Def } | undefined)?.def;
    if (def?.type === 'array' && typeof p === 'number') s = unwrap(def.element);
    else if (s instanceof z.ZodObject) s = unwrap(s.shape[String(p)] as z.ZodType | undefined);
    else return undefined;
  }
  return s;
}

/** The value at a key path of a parsed input (undefined where there is none). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** The values of a discriminated union's key at a path (e.g. the constraint kinds), for "allowed kinds" lists. */
function discriminatorValues(schema: z.ZodType, path: readonly PropertyKey[], key: string): string[] {
  const options = (schemaAt(schema, path) as unknown as { def?: { options?: z.ZodType[] } } | undefined)?.def?.options ?? [];
  return options.flatMap((o) => {
    const field = o instanceof z.ZodObject ? (o.shape[key] as unknown as { def?: { values?: unknown[] } } | undefined) : undefined;
    return (field?.def?.values ?? []).map(String);
  });
}

/** One zod issue in plain words; `input` is the value that was parsed (to tell a missing key from a wrong one). */
export function describeIssue(issue: Issue, schema?: z.ZodType, input?: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(input, issue.path) === undefined) return 'is required';
      return issue.expected === 'int' ? 'must be an integer' : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${issue.minimum} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`
        : issue.origin === 'string'
          ? 'must be a non-empty string'
          : `must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array' ? `must have at most ${issue.maximum} entries` : `must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'unrecognized_keys': {
      const obj = schema ? schemaAt(schema, issue.path) : undefined;
      const allowed =
        obj instanceof z.ZodObject
          ? ` (allowed: ${Object.keys(obj.shape)
              .filter((k) => k !== '$schema')
              .join(', ')})`
          : '';
      return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}${allowed}`;
    }
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'invalid_union': {
      const v = valueAt(input, issue.path);
      if (v === undefined) return 'is required';
      const allowed = schema && 'discriminator' in issue ? discriminatorValues(schema, issue.path.slice(0, -1), String(issue.discriminator)) : [];
      return allowed.length ? `${JSON.stringify(v)} is not one of the allowed kinds (${allowed.join(', ')})` : `${JSON.stringify(v)} is none of the allowed forms`;
    }
    case 'invalid_format':
      return issue.format === 'regex' ? issue.message : `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/** The issue of a failed parse that explains it (an unknown key, else the first) as `path: words`. */
export function describeError(error: z.ZodError, schema?: z.ZodType, input?: unknown): string {
  // A misspelt key (`chanels`) also leaves its key missing: the unknown key is the cause to name.
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  return `${pathPrefix(issue.path)}${describeIssue(issue, schema, input)}`;
}

/**
 * Parses a value with a schema.
 * @param where the file (or option) the value came from, named in the error
 * @param kind 'usage' for configuration and options (UsageError), 'data' for files a stage reads (ValidationError)
 * @throws UsageError or ValidationError (exit 2): `<where>: <key path>: <what is wrong>`
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string, kind: 'usage' | 'data' = 'usage'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const msg = describeError(r.error, schema, value);
  throw kind === 'usage' ? new UsageError(`${where}: ${msg}`) : new ValidationError(msg, { file: where });
}
