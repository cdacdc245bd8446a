/**
 * `mmm generate`: a seeded sample of the raw files a marketing team exports
 * (daily spend per campaign, the touchpoint stream, orders, controls, holidays,
 * channels), made from a known truth that `truth.json` records in full.
 *
 * How the pieces meet:
 * - weekly spend per channel follows its pattern; it is split into daily rows
 *   per campaign, rounded to cents, and the truth is computed from the rounded
 *   spend, so the truth and the files agree exactly;
 * - expected weekly revenue is the marketing mix of `sample-truth.ts`;
 * - each week gets round(expected / mean order value) orders: the repeat
 *   purchases falling due that week from existing customers (a BG/NBD process
 *   per customer), and new customers for the rest;
 * - each new customer's acquisition channel is drawn in proportion to that
 *   week's media effects (the baseline share goes to organic channels), and the
 *   customer's first touch before the first order is on that channel;
 * - order amounts follow the Gamma-Gamma spend model per customer;
 * - anonymous impressions, clicks and sessions fill the stream up to about
 *   2 million events, spread over days in proportion to paid impressions.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../core/rng.ts';
import { writeArtifact } from '../core/artifacts.ts';
import { stableJson } from '../core/hash.ts';
import { UsageError } from '../core/errors.ts';
import { SEASON_PERIOD_WEEKS, defaultBaseline, defaultChannels, truthBaseline, truthMediaEffect, weeklySpendPattern } from './sample-truth.ts';

export const GENERATOR_VERSION = 'generate@5';

export interface GenerateOptions {
  out: string;
  seed: number;
  /** Number of weeks (default 156). */
  weeks?: number;
  /** Multiplies events, orders, customers and money (default 1). */
  scale?: number;
  /** First Monday (default 2023-01-02). */
  start?: string;
}

export interface GenerateSummary {
  out: string;
  weeks: number;
  events: number;
  orders: number;
  customers: number;
  skipped: boolean;
}

const DAY_MS = 86_400_000;
const BGNBD = { r: 0.5, alpha: 14, a: 1.2, b: 2.5 };
const GAMMA_GAMMA = { p: 10, q: 25, v: 275 };
const EVENTS_PER_SCALE = 2_000_000;
const ORGANIC = ['direct', 'organic_search'];

/** Generates the sample into `opts.out` (atomically; an identical existing sample is kept as is). */
export async function generateSample(opts: GenerateOptions): Promise<GenerateSummary> {
  const weeks = opts.weeks ?? 156;
  const scale = opts.scale ?? 1;
  const start = opts.start ?? '2023-01-02';
  if (!Number.isInteger(opts.seed)) throw new UsageError(`--seed must be an integer, got ${opts.seed}`);
  if (!Number.isInteger(weeks) || weeks < 8 || weeks > 1040) throw new UsageError(`--weeks must be an integer between 8 and 1040, got ${weeks}`);
  if (!(scale > 0) || scale > 100) throw new UsageError(`--scale must be a number in (0, 100], got ${scale}`);
  const startMs = Date.parse(`${start}T00:00:00Z`);
  if (!Number.isFinite(startMs) || new Date(startMs).getUTCDay() !== 1) throw new UsageError(`start must be a Monday in YYYY-MM-DD form, got ${start}`);
  let summary: Omit<GenerateSummary, 'out' | 'skipped'> = { weeks, events: 0, orders: 0, customers: 0 };
  const { manifest, skipped } = await writeArtifact({
    dir: opts.out,
    stage: 'generate',
    codeVersion: GENERATOR_VERSION,
    params: { seed: opts.seed, weeks, scale, start },
    inputs: [],
    build: async (dir) => {
      summary = writeSample(dir, opts.seed, weeks, scale, startMs);
      return { metrics: { ...summary }, rows: { 'orders.csv': summary.orders, 'events.csv': summary.events } };
    },
  });
  if (skipped) {
    const m = manifest.metrics as { events: number; orders: number; customers: number };
    summary = { weeks, events: m.events, orders: m.orders, customers: m.customers };
  }
  return { out: opts.out, skipped, ...summary };
}

/** Buffered line writer over a file descriptor (synchronous, 1 MiB chunks). */
class LineWriter {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.line(header);
  }
  line(s: string): void {
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, `${this.parts.join('\n')}\n`);
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
function isoTime(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
}

/** Holidays (name, date) in [startMs, endMs): fixed-date ones plus Mother's Day, Black Friday and Cyber Monday. */
export function holidayCalendar(startMs: number, endMs: number): { date: string; name: string; ms: number }[] {
  const out: { date: string; name: string; ms: number }[] = [];
  const y0 = new Date(startMs).getUTCFullYear();
  const y1 = new Date(endMs).getUTCFullYear();
  for (let y = y0; y <= y1; y++) {
    const nthWeekday = (month: number, weekday: number, n: number) => {
      const first = new Date(Date.UTC(y, month, 1)).getUTCDay();
      return Date.UTC(y, month, 1 + ((weekday - first + 7) % 7) + 7 * (n - 1));
    };
    const thanksgiving = nthWeekday(10, 4, 4);
    const list: [string, number][] = [
      ["New Year's Day", Date.UTC(y, 0, 1)],
      ["Valentine's Day", Date.UTC(y, 1, 14)],
      ["Mother's Day", nthWeekday(4, 0, 2)],
      ['Independence Day', Date.UTC(y, 6, 4)],
      ['Black Friday', thanksgiving + DAY_MS],
      ['Cyber Monday', thanksgiving + 4 * DAY_MS],
      ['Christmas Day', Date.UTC(y, 11, 25)],
    ];
    for (const [name, ms] of list) if (ms >= startMs && ms < endMs) out.push({ date: isoDate(ms), name, ms });
  }
  return out.sort((a, b) => a.ms - b.ms || (a.name < b.name ? -1 : 1));
}

function writeSample(dir: string, seed: number, weeks: number, scale: number, startMs: number) {
  const rng = new Rng(seed);
  const channels = defaultChannels();
  const baseline = defaultBaseline();
  const C = channels.length;
  const days = weeks * 7;
  const endMs = startMs + days * DAY_MS;

  // 1. Spend: weekly pattern -> daily rows per campaign, rounded to cents; weekly totals recomputed from the rows.
  const spendRows = new LineWriter(join(dir, 'spend.csv'), 'date,channel,campaign,spend,impressions,clicks');
  const weeklySpend = channels.map(() => new Float64Array(weeks));
  const dailyImpressions = new Float64Array(days * C);
  const dailyRows: { day: number; line: string }[] = [];
  channels.forEach((ch, c) => {
    const pattern = weeklySpendPattern({ ...ch, weeklySpend: ch.weeklySpend * scale }, weeks, rng);
    const campaignShare = ch.campaigns.map(() => 0.5 + rng.uniform());
    const shareSum = campaignShare.reduce((a, b) => a + b, 0);
    for (let w = 0; w < weeks; w++) {
      if (pattern[w] <= 0) continue;
      const dayWeights = Array.from({ length: 7 }, () => 0.8 + 0.4 * rng.uniform());
      const dw = dayWeights.reduce((a, b) => a + b, 0);
      for (let d = 0; d < 7; d++) {
        const day = w * 7 + d;
        ch.campaigns.forEach((campaign, k) => {
          const spendCents = Math.round(((pattern[w] * dayWeights[d]) / dw) * (campaignShare[k] / shareSum) * 100);
          if (spendCents <= 0) return;
          const spend = spendCents / 100;
          const impressions = Math.round((spend / ch.cpm) * 1000);
          const clicks = Math.round(impressions * ch.ctr);
          weeklySpend[c][w] += spendCents;
          dailyImpressions[day * C + c] += impressions;
          dailyRows.push({ day, line: `${isoDate(startMs + day * DAY_MS)},${ch.name},${campaign},${spend.toFixed(2)},${impressions},${clicks}` });
        });
      }
    }
    for (let w = 0; w < weeks; w++) weeklySpend[c][w] /= 100;
  });
  dailyRows.sort((a, b) => a.day - b.day);
  for (const r of dailyRows) spendRows.line(r.line);
  spendRows.close();

  // 2. Controls (weekly, on the week's Monday) and holidays.
  const priceIndex = new Float64Array(weeks);
  const competitor = new Float64Array(weeks);
  let p = 1;
  for (let w = 0; w < weeks; w++) {
    p = 1 + 0.7 * (p - 1) + 0.012 * rng.normal();
    const promo = rng.uniform() < 0.08 ? -0.06 : 0;
    priceIndex[w] = Math.round((p + promo) * 10000) / 10000;
    const season = 1 + 0.3 * Math.sin((2 * Math.PI * (w + 10)) / SEASON_PERIOD_WEEKS);
    competitor[w] = Math.round(6000 * scale * season * (0.75 + 0.5 * rng.uniform()) * 100) / 100;
  }
  const controls = new LineWriter(join(dir, 'controls.csv'), 'date,name,value');
  for (let w = 0; w < weeks; w++) {
    const date = isoDate(startMs + w * 7 * DAY_MS);
    controls.line(`${date},price_index,${priceIndex[w].toFixed(4)}`);
    controls.line(`${date},competitor_spend,${competitor[w].toFixed(2)}`);
  }
  controls.close();
  // The holiday calendar runs a year past the data, as a team's planning calendar does.
  const holidays = holidayCalendar(startMs, endMs + 52 * 7 * DAY_MS);
  const holidayWeek = new Uint8Array(weeks);
  for (const h of holidays) if (h.ms < endMs) holidayWeek[Math.floor((h.ms - startMs) / (7 * DAY_MS))] = 1;
  const hw = new LineWriter(join(dir, 'holidays.csv'), 'date,name');
  for (const h of holidays) hw.line(`${h.date},${h.name.includes(',') ? `"${h.name}"` : h.name}`);
  hw.close();
  const cw = new LineWriter(join(dir, 'channels.csv'), 'channel,kind,group');
  for (const ch of channels) cw.line(`${ch.name},paid,${ch.group}`);
  cw.line('direct,owned,organic');
  cw.line('organic_search,organic,organic');
  cw.close();

  // 3. The marketing mix: expected weekly revenue.
  const scaledChannels = channels.map((ch) => ({ ...ch, beta: ch.beta * scale }));
  const scaledBaseline = {
    ...baseline,
    intercept: baseline.intercept * scale,
    trend: baseline.trend * scale,
    seasonSin: baseline.seasonSin * scale,
    seasonCos: baseline.seasonCos * scale,
    holidayEffect: baseline.holidayEffect * scale,
    priceEffect: baseline.priceEffect * scale,
  };
  const media = scaledChannels.map((ch, c) => truthMediaEffect(ch, weeklySpend[c]));
  const baseWeekly = new Float64Array(weeks);
  const expected = new Float64Array(weeks);
  for (let w = 0; w < weeks; w++) {
    baseWeekly[w] = truthBaseline(scaledBaseline, w, holidayWeek[w], priceIndex[w], competitor[w]);
    expected[w] = baseWeekly[w] + media.reduce((s, m) => s + m.effect[w], 0);
  }

  // 4. Customers and orders. Repeat purchases are scheduled into week buckets as customers are acquired.
  const meanOrderValue = (GAMMA_GAMMA.p * GAMMA_GAMMA.v) / (GAMMA_GAMMA.q - 1);
  const repeatBuckets: number[][] = Array.from({ length: weeks }, () => []); // pairs (customer, second)
  const custNu: number[] = [];
  const custChannel: number[] = []; // 0..C-1 paid, C.. organic index, -1 none
  const orderCust: number[] = [];
  const orderSec: number[] = [];
  const orderAmount: number[] = [];
  const linked: { sec: number; cust: number; channel: string; type: string }[] = [];
  const realised = new Float64Array(weeks);
  const newPerWeek = new Int32Array(weeks);
  const acquisitionCount: Record<string, number> = {};
  const startSec = startMs / 1000;
  const endSec = endMs / 1000;
  const allChannelNames = [...channels.map((c) => c.name), ...ORGANIC];

  const addOrder = (cust: number, sec: number) => {
    const amount = Math.max(0.01, Math.round((rng.gamma(GAMMA_GAMMA.p) / custNu[cust]) * 100) / 100);
    orderCust.push(cust);
    orderSec.push(sec);
    orderAmount.push(amount);
    realised[Math.floor((sec - startSec) / (7 * 86400))] += amount;
  };

  for (let w = 0; w < weeks; w++) {
    const target = Math.max(0, Math.round(expected[w] / meanOrderValue));
    const due = repeatBuckets[w];
    // New customers fill the week up to its target order count; repeat purchases that new customers
    // make within the same week count toward it, so realised revenue is unbiased against expected.
    let ordersThisWeek = due.length / 2;
    for (let i = 0; i < due.length; i += 2) {
      const cust = due[i];
      const sec = due[i + 1];
      // A session shortly before each repeat order, from a random channel.
      linked.push({ sec: Math.max(startSec, sec - 60 - rng.int(3600)), cust, channel: allChannelNames[rng.int(allChannelNames.length)], type: 'session' });
      addOrder(cust, sec);
    }
    while (ordersThisWeek < target) {
      newPerWeek[w]++;
      const cust = custNu.length;
      custNu.push(rng.gamma(GAMMA_GAMMA.q) / GAMMA_GAMMA.v);
      // Acquisition channel in proportion to this week's media effects; the baseline share is organic.
      let u = rng.uniform() * expected[w];
      let ch = -1;
      for (let c = 0; c < C; c++) {
        u -= media[c].effect[w];
        if (u < 0) {
          ch = c;
          break;
        }
      }
      if (ch < 0) {
        const r = rng.uniform();
        ch = r < 0.4 ? C : r < 0.7 ? C + 1 : -1;
      }
      custChannel.push(ch);
      const chName = ch < 0 ? 'none' : allChannelNames[ch];
      acquisitionCount[chName] = (acquisitionCount[chName] ?? 0) + 1;
      const firstSec = startSec + w * 7 * 86400 + 1 + rng.int(7 * 86400 - 2);
      if (ch >= 0) {
        const lead = 60 + rng.int(Math.max(60, Math.min(3 * 86400, firstSec - startSec - 1)));
        const touchSec = Math.max(startSec, firstSec - lead);
        const type = ch >= C ? 'session' : channels[ch].ctr > 0 ? 'click' : 'impression';
        linked.push({ sec: touchSec, cust, channel: chName, type });
        const extra = rng.int(3);
        for (let e = 0; e < extra; e++) {
          const s = touchSec + 1 + rng.int(Math.max(1, firstSec - touchSec - 1));
          if (s < firstSec) linked.push({ sec: s, cust, channel: allChannelNames[rng.int(allChannelNames.length)], type: 'session' });
        }
      }
      addOrder(cust, firstSec);
      ordersThisWeek++;
      // BG/NBD (Fader, Hardie & Lee 2005): purchases at rate lambda (per week) while alive; after each
      // repeat purchase the customer drops out with probability p (never right after the first purchase).
      const lambda = rng.gamma(BGNBD.r) / BGNBD.alpha;
      const pDrop = rng.beta(BGNBD.a, BGNBD.b);
      let tSec = firstSec;
      for (let repeat = 0; ; repeat++) {
        if (repeat > 0 && rng.uniform() < pDrop) break;
        tSec += Math.max(1, Math.round((rng.exponential() / lambda) * 7 * 86400));
        if (!(tSec < endSec)) break;
        const bw = Math.floor((tSec - startSec) / (7 * 86400));
        if (bw === w) {
          // Due in the current week: place it now so the bucket already read is not missed.
          linked.push({ sec: Math.max(startSec, tSec - 60 - rng.int(3600)), cust, channel: allChannelNames[rng.int(allChannelNames.length)], type: 'session' });
          addOrder(cust, tSec);
          ordersThisWeek++;
        } else repeatBuckets[bw].push(cust, tSec);
      }
    }
    repeatBuckets[w] = [];
  }

  // Orders, written in time order.
  const nOrders = orderSec.length;
  const order = Array.from({ length: nOrders }, (_, i) => i).sort((a, b) => orderSec[a] - orderSec[b] || a - b);
  const ow = new LineWriter(join(dir, 'orders.csv'), 'order_id,customer_id,timestamp,amount,currency');
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  order.forEach((i, k) => ow.line(`o${pad(k + 1, 8)},c${pad(orderCust[i] + 1, 7)},${isoTime(orderSec[i])},${orderAmount[i].toFixed(2)},USD`));
  ow.close();

  // 5. Events: the customer-linked touches plus anonymous impressions, clicks and sessions, day by day in time order.
  const targetEvents = Math.round(EVENTS_PER_SCALE * scale);
  const anonymous = Math.max(0, targetEvents - linked.length);
  const linkedByDay: number[][] = Array.from({ length: days }, () => []);
  linked.forEach((e, i) => linkedByDay[Math.min(days - 1, Math.floor((e.sec - startSec) / 86400))].push(i));
  let totalImpr = 0;
  for (let i = 0; i < dailyImpressions.length; i++) totalImpr += dailyImpressions[i];
  const ew = new LineWriter(join(dir, 'events.csv'), 'event_id,timestamp,customer_id,channel,type');
  let eventId = 0;
  let carry = 0;
  for (let d = 0; d < days; d++) {
    let dayImpr = 0;
    for (let c = 0; c < C; c++) dayImpr += dailyImpressions[d * C + c];
    const exact = (anonymous * dayImpr) / totalImpr + carry;
    const nAnon = Math.floor(exact);
    carry = exact - nAnon;
    const rows: { sec: number; line: string }[] = [];
    for (const i of linkedByDay[d]) {
      const e = linked[i];
      rows.push({ sec: e.sec, line: `${isoTime(e.sec)},c${pad(e.cust + 1, 7)},${e.channel},${e.type}` });
    }
    for (let n = 0; n < nAnon; n++) {
      let u = rng.uniform() * dayImpr;
      let c = 0;
      while (c < C - 1 && u >= dailyImpressions[d * C + c]) u -= dailyImpressions[d * C + c++];
      const r = rng.uniform();
      const type = r < 0.86 ? 'impression' : r < 0.96 ? 'click' : 'session';
      const sec = startSec + d * 86400 + rng.int(86400);
      rows.push({ sec, line: `${isoTime(sec)},,${channels[c].name},${type}` });
    }
    rows.sort((a, b) => a.sec - b.sec);
    for (const r of rows) ew.line(`e${pad(++eventId, 9)},${r.line}`);
  }
  ew.close();

  // 6. truth.json: every parameter, the formulas, and the weekly series.
  const weekly = Array.from({ length: weeks }, (_, w) => ({
    week: isoDate(startMs + w * 7 * DAY_MS),
    holiday: holidayWeek[w],
    priceIndex: priceIndex[w],
    competitorSpend: competitor[w],
    spend: Object.fromEntries(channels.map((ch, c) => [ch.name, round2(weeklySpend[c][w])])),
    media: Object.fromEntries(channels.map((ch, c) => [ch.name, round4(media[c].effect[w])])),
    baseline: round4(baseWeekly[w]),
    expectedRevenue: round4(expected[w]),
    revenue: round2(realised[w]),
    newCustomers: newPerWeek[w],
  }));
  const totalMedia = media.reduce((s, m) => s + m.effect.reduce((a, b) => a + b, 0), 0);
  const noise = Array.from({ length: weeks }, (_, w) => realised[w] - expected[w]);
  const meanRevenue = realised.reduce((a, b) => a + b, 0) / weeks;
  const truth = {
    generator: GENERATOR_VERSION,
    seed,
    weeks,
    scale,
    start: isoDate(startMs),
    formulas: {
      adstock: 'adstock_c[t] = spend_c[t] + theta_c * adstock_c[t-1], adstock_c[-1] = 0 (geometric, not normalised; t is the ISO week index from start)',
      saturation: 'hill_c[t] = adstock_c[t]^alpha_c / (adstock_c[t]^alpha_c + k_c^alpha_c), k_c = gamma_c * max_t adstock_c[t]',
      media: 'media_c[t] = beta_c * hill_c[t]',
      baseline: `baseline[t] = intercept + trend*t + seasonSin*sin(2*pi*t/${SEASON_PERIOD_WEEKS}) + seasonCos*cos(2*pi*t/${SEASON_PERIOD_WEEKS}) + holidayEffect*holiday[t] + priceEffect*(priceIndex[t]-1) + competitorEffect*competitorSpend[t]`,
      expectedRevenue: 'expected[t] = baseline[t] + sum_c media_c[t]',
      orders:
        'orders in week t = round(expected[t] / meanOrderValue): repeat purchases due that week, then new customers (and their same-week repeats) until the count is reached; revenue[t] = sum of order amounts (realised) = expected[t] + order-level noise',
      acquisition:
        'a new customer of week t is acquired by paid channel c with probability media_c[t] / expected[t]; otherwise organic (direct 40%, organic_search 30%, no touch 30%); the first touch before the first order is on the acquisition channel',
      repeatPurchases:
        'BG/NBD: lambda ~ Gamma(r, rate alpha) per week, p ~ Beta(a, b); purchases arrive at rate lambda while alive; after each repeat purchase the customer drops out with probability p',
      orderValue: 'Gamma-Gamma: nu ~ Gamma(q, rate v) per customer; each order amount ~ Gamma(p, rate nu), rounded to cents (min 0.01)',
    },
    channels: scaledChannels.map((ch, c) => {
      const spend = weeklySpend[c].reduce((a, b) => a + b, 0);
      const contribution = media[c].effect.reduce((a, b) => a + b, 0);
      return {
        name: ch.name,
        column: `${ch.name}_spend`,
        group: ch.group,
        pattern: ch.pattern,
        campaigns: ch.campaigns,
        theta: ch.theta,
        alpha: ch.alpha,
        gamma: ch.gamma,
        beta: ch.beta,
        k: round4(media[c].k),
        cpm: ch.cpm,
        ctr: ch.ctr,
        spend: round2(spend),
        contribution: round4(contribution),
        contributionShare: round6(contribution / totalMedia),
        roas: round6(contribution / spend),
        mroas: round6(marginalRoas(ch, weeklySpend[c])),
      };
    }),
    baseline: scaledBaseline,
    seasonPeriodWeeks: SEASON_PERIOD_WEEKS,
    bgnbd: BGNBD,
    gammaGamma: { ...GAMMA_GAMMA, meanOrderValue: round4(meanOrderValue) },
    totals: {
      mediaContribution: round4(totalMedia),
      revenue: round2(realised.reduce((a, b) => a + b, 0)),
      expectedRevenue: round4(expected.reduce((a, b) => a + b, 0)),
      noiseSd: round4(Math.sqrt(noise.reduce((s, e) => s + e * e, 0) / weeks)),
      noiseSdShareOfMeanRevenue: round6(Math.sqrt(noise.reduce((s, e) => s + e * e, 0) / weeks) / meanRevenue),
      orders: nOrders,
      customers: custNu.length,
      events: eventId,
      acquisition: acquisitionCount,
    },
    holidays: holidays.map((h) => ({ date: h.date, name: h.name })),
    weekly,
  };
  const tw = new LineWriter(join(dir, 'truth.json'), stableJson(truth).trimEnd());
  tw.close();
  return { weeks, events: eventId, orders: nOrders, customers: custNu.length };
}

/** mROAS as the MMM issue defines it: extra effect from +1% spend in every week, over the extra spend. */
function marginalRoas(ch: { theta: number; alpha: number; gamma: number; beta: number }, spend: Float64Array): number {
  const base = truthMediaEffect(ch, spend);
  const bumped = Float64Array.from(spend, (v) => v * 1.01);
  // Hold k at the observed window's value: the +1% scenario changes spend, not the fitted curve.
  const a = new Float64Array(spend.length);
  let prev = 0;
  let extra = 0;
  const ka = base.k ** ch.alpha;
  for (let t = 0; t < spend.length; t++) {
    prev = bumped[t] + ch.theta * prev;
    a[t] = prev;
    const xa = prev ** ch.alpha;
    extra += (ch.beta * xa) / (xa + ka) - base.effect[t];
  }
  const extraSpend = spend.reduce((s, v) => s + v, 0) * 0.01;
  return extraSpend > 0 ? extra / extraSpend : 0;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
