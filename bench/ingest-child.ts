/** One ingest in its own process (see ingest.bench.ts); prints a JSON line of figures. */
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/ingest/ingest.ts';

const [raw, out] = process.argv.slice(2);
const t0 = performance.now();
const r = await ingest({ raw, out });
const seconds = (performance.now() - t0) / 1000;
const m = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(raw, 'manifest.json'), 'utf8'))).metrics;
const rawMb = readdirSync(raw).reduce((s, f) => s + statSync(join(raw, f)).size, 0) / 1e6;
console.log(JSON.stringify({ events: m.events, orders: r.manifest.metrics.orders, seconds, rawMb, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
