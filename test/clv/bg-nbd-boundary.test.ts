import { describe, expect, it } from 'vitest';
import {
  analyseClv,
  bgNbdConditionalExpectedPurchases,
  bgNbdDiscountedPurchases,
  bgNbdExpectedPurchasesNewCustomer,
  bgNbdProbabilityAlive,
  fitBgNbd,
  predictBgNbd,
  summariseTransactions,
} from '../../src/clv/index.ts';
import type { BgNbdParams, ClvTransactions } from '../../src/clv/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { CDNOW_CALIBRATION_END_DAY, readCdnowOrders } from './cdnow-fixture.ts';

/** A boundary fit seen on a small real data set: a, b in the millions, a/(a+b) = 0.298 (took 106 s and gave NaN before). */
const DEGENERATE: BgNbdParams = { r: 0.5572350688268481, alpha: 17.420596116795984, a: 5672323.924102318, b: 13358587.652720258 };

const relativeError = (value: number, reference: number): number => Math.abs(value / reference - 1);

describe('BG/NBD predictions at a boundary fit (a, b in the millions)', () => {
  // fixtures/degenerate-bgnbd-reference.py: mpmath 1.3 at 60 digits, FHL 2005 eq. 10 with mpmath.hyp2f1 and eq. 13.
  // [x, t_x, T, E[Y(52)], P(alive), 12-month discounted purchases at 1%/month, 4.345 weeks/month]
  const reference: [number, number, number, number, number, number][] = [
    [0, 0, 33, 0.46548077476066811, 1.0, 0.43934852848696151],
    [1, 10, 33, 0.54613602314472591, 0.47702628002253606, 0.51668251848038876],
    [2, 30, 33, 1.1121062428600486, 0.66811946261554507, 1.0545798496720717],
    [5, 30, 59, 0.30659314145100011, 0.14242083153305611, 0.29136540183125716],
    [20, 30, 33, 1.3373789048893055, 0.400235870094535, 1.3050306254080149],
    [20, 10, 59, 5.4590918672780896e-9, 1.6645066852486024e-9, 5.2876170078431316e-9],
    [0, 0, 0, 1.0017144303913305, 1.0, 0.95026413725520136],
  ];

  it('match mpmath to 1e-12 relative: expected purchases in 52 weeks, P(alive) and the 12-month CLV factor', () => {
    for (const [x, tx, T, expected52, alive, discounted] of reference) {
      const label = `x=${x} t_x=${tx} T=${T}`;
      expect(relativeError(bgNbdConditionalExpectedPurchases(DEGENERATE, 52, x, tx, T), expected52), label).toBeLessThan(1e-12);
      expect(relativeError(bgNbdProbabilityAlive(DEGENERATE, x, tx, T), alive), label).toBeLessThan(1e-12);
      const factor = bgNbdDiscountedPurchases(DEGENERATE, { frequency: [x], recency: [tx], T: [T] }, 12, 0.01, 4.345)[0];
      expect(relativeError(factor, discounted), label).toBeLessThan(1e-12);
    }
  });

  it('are finite and positive for 6,000 distinct customers (the old series took minutes per customer and returned NaN)', () => {
    // Vitest's 5 s test timeout guards the speed; the old code needed ~1e7 series terms per evaluation.
    const n = 6000;
    const frequency = new Float64Array(n);
    const recency = new Float64Array(n);
    const T = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      T[i] = 1 + (i % 78) + (i % 7) / 7;
      frequency[i] = i % 41;
      recency[i] = frequency[i] === 0 ? 0 : (T[i] * ((i * 37) % 100)) / 100;
    }
    const { pAlive, expectedPurchases } = predictBgNbd(DEGENERATE, { frequency, recency, T }, 52);
    const factor = bgNbdDiscountedPurchases(DEGENERATE, { frequency, recency, T }, 12, 0.01, 4.345);
    for (let i = 0; i < n; i++) {
      expect(pAlive[i] > 0 && pAlive[i] <= 1, `P(alive) ${i}`).toBe(true);
      expect(expectedPurchases[i] > 0 && Number.isFinite(expectedPurchases[i]), `E ${i}`).toBe(true);
      // Discounted 12 months (52.14 weeks, discounted) is below the undiscounted 52-week expectation plus the 0.14-week excess.
      expect(factor[i] > 0 && factor[i] < expectedPurchases[i] * 1.01, `factor ${i}`).toBe(true);
    }
  });

  it('converge to the closed-form constant-dropout limit as a, b -> infinity with a/(a+b) fixed', () => {
    // Limit of FHL eq. 10 and 13 with p = a/(a+b) fixed (Beta -> point mass): given alive, λ ~ Gamma(r+x, α+T) and the
    // customer leaves after each purchase with probability p, so E[Y(t)] = (1 - ((α+T)/(α+T+p t))^(r+x)) / p and
    // P(alive) = 1 / (1 + p/(1-p) ((α+T)/(α+t_x))^(r+x)) for x > 0. The gap shrinks like 1/(a+b).
    const p = 0.3;
    const { r, alpha } = DEGENERATE;
    for (const [x, tx, T] of [
      [0, 0, 33],
      [3, 20, 40],
      [12, 50, 59],
    ]) {
      const alive = x === 0 ? 1 : 1 / (1 + (p / (1 - p)) * ((alpha + T) / (alpha + tx)) ** (r + x));
      const limit = ((1 - ((alpha + T) / (alpha + T + p * 52)) ** (r + x)) / p) * alive;
      let previousGap = Infinity;
      for (const n of [1e4, 1e6, 1e8, 1e12]) {
        const value = bgNbdConditionalExpectedPurchases({ r, alpha, a: p * n, b: (1 - p) * n }, 52, x, tx, T);
        const gap = relativeError(value, limit);
        expect(gap, `n=${n}`).toBeLessThan(Math.max(50 / n, 1e-13));
        expect(gap).toBeLessThanOrEqual(previousGap);
        previousGap = gap;
      }
    }
  });

  it('match mpmath for a > 1 on both sides of the switch between the two series ((a-1) t/(α+T+t) = 8) and for large a, b', () => {
    // fixtures/bgnbd-large-a-reference.py (mpmath 1.3 hyp2f1, 50 digits): [params, t, x, t_x, T, E[Y(t) | x, t_x, T]].
    // (One row, r = 0.3, α = 0.05, a = 3e4, b = 1e7, t = 52, T = 0, is left out: mpmath returned 2.4e2399 there.)
    const rows: [BgNbdParams, number, number, number, number, number][] = [
      [{ r: 0.5, alpha: 17, a: 12, b: 30 }, 4.345, 0, 0, 33, 0.042658195215053395],
      [{ r: 0.5, alpha: 17, a: 12, b: 30 }, 52, 1, 10, 33, 0.56923603960106438],
      [{ r: 0.5, alpha: 17, a: 12, b: 30 }, 52, 20, 30, 33, 2.8383265721944027],
      [{ r: 0.5, alpha: 17, a: 12, b: 30 }, 52, 0, 0, 0, 0.95130617467851221],
      [{ r: 0.5, alpha: 17, a: 12, b: 30 }, 0.5, 2, 3, 5, 0.037691826860988755],
      [{ r: 0.5, alpha: 17, a: 20, b: 40 }, 4.345, 0, 0, 33, 0.042528964422989518],
      [{ r: 0.5, alpha: 17, a: 20, b: 40 }, 52, 1, 10, 33, 0.48191954391585882],
      [{ r: 0.5, alpha: 17, a: 20, b: 40 }, 52, 20, 30, 33, 1.8584744177001608],
      [{ r: 0.5, alpha: 17, a: 20, b: 40 }, 52, 0, 0, 0, 0.89408996639675107],
      [{ r: 0.5, alpha: 17, a: 20, b: 40 }, 0.5, 2, 3, 5, 0.034648281621146767],
      [{ r: 2, alpha: 3, a: 50, b: 1000 }, 4.345, 0, 0, 33, 0.23932399792736581],
      [{ r: 2, alpha: 3, a: 50, b: 1000 }, 52, 1, 10, 33, 1.8433005022169479],
      [{ r: 2, alpha: 3, a: 50, b: 1000 }, 52, 20, 30, 33, 12.299108476150648],
      [{ r: 2, alpha: 3, a: 50, b: 1000 }, 52, 0, 0, 0, 14.794962156572168],
      [{ r: 2, alpha: 3, a: 50, b: 1000 }, 0.5, 2, 3, 5, 0.21432050015452645],
      [{ r: 0.3, alpha: 0.05, a: 30000, b: 1e7 }, 4.345, 0, 0, 33, 0.039430164375299529],
      [{ r: 0.3, alpha: 0.05, a: 30000, b: 1e7 }, 52, 1, 10, 33, 2.0060869424901162],
      [{ r: 0.3, alpha: 0.05, a: 30000, b: 1e7 }, 52, 20, 30, 33, 29.77671118138098],
      [{ r: 0.3, alpha: 0.05, a: 30000, b: 1e7 }, 0.5, 2, 3, 5, 0.22545449446311757],
      [{ r: 0.5, alpha: 17, a: 1e9, b: 1000 }, 4.345, 0, 0, 33, 0.040808758504947114],
      [{ r: 0.5, alpha: 17, a: 1e9, b: 1000 }, 52, 1, 10, 33, 2.60627338640508e-7],
      [{ r: 0.5, alpha: 17, a: 1e9, b: 1000 }, 52, 20, 30, 33, 2.8661261802710974e-7],
      [{ r: 0.5, alpha: 17, a: 1e9, b: 1000 }, 52, 0, 0, 0, 0.50363672849803526],
      [{ r: 0.5, alpha: 17, a: 1e9, b: 1000 }, 0.5, 2, 3, 5, 4.3093089669955197e-8],
      [{ r: 0.01, alpha: 2, a: 1e6, b: 3e6 }, 4.345, 0, 0, 33, 0.0012223669842800245],
      [{ r: 0.01, alpha: 2, a: 1e6, b: 3e6 }, 52, 1, 10, 33, 0.55103619931778209],
      [{ r: 0.01, alpha: 2, a: 1e6, b: 3e6 }, 52, 20, 30, 33, 1.329723067697454],
      [{ r: 0.01, alpha: 2, a: 1e6, b: 3e6 }, 52, 0, 0, 0, 0.079789603281741728],
      [{ r: 0.01, alpha: 2, a: 1e6, b: 3e6 }, 0.5, 2, 3, 5, 0.084445826514822322],
    ];
    for (const [params, t, x, tx, T, reference] of rows) {
      const value = bgNbdConditionalExpectedPurchases(params, t, x, tx, T);
      expect(relativeError(value, reference), `${JSON.stringify(params)} t=${t} x=${x} t_x=${tx} T=${T}`).toBeLessThan(1e-11);
    }
  });

  it('new-customer expectation stays finite and below t/p-type bounds for huge a, b', () => {
    // E[X(t)] <= t E[λ] = t r / α (purchases cannot outpace the rate) and increases with t.
    const e26 = bgNbdExpectedPurchasesNewCustomer(DEGENERATE, 26);
    const e52 = bgNbdExpectedPurchasesNewCustomer(DEGENERATE, 52);
    expect(e26).toBeGreaterThan(0);
    expect(e52).toBeGreaterThan(e26);
    expect(e52).toBeLessThan((52 * DEGENERATE.r) / DEGENERATE.alpha);
  });
});

/** Transactions of customers with purchase rate ~ Gamma(0.6, rate 17/week), one dropout probability p after each repeat purchase, first orders on days 0-229, log to day 400. */
function constantDropoutTransactions(seed: number, customers: number, p: number): ClvTransactions {
  const rng = new Rng(seed);
  const customerIds: string[] = [];
  const days: number[] = [];
  const amounts: number[] = [];
  const channels: string[] = [];
  const lastDay = 400;
  for (let c = 0; c < customers; c++) {
    const rate = rng.gamma(0.6) / 17 / 7; // purchases per day
    const first = Math.floor(rng.uniform() * 230);
    const channel = c % 2 ? 'search' : 'social';
    const meanSpend = 10 * rng.gamma(3);
    let day = first;
    let time = first;
    const push = (d: number) => {
      customerIds.push(`c${c}`);
      days.push(d);
      amounts.push((meanSpend * rng.gamma(4)) / 4);
      channels.push(channel);
    };
    push(first);
    for (;;) {
      time += rng.exponential() / rate;
      day = Math.floor(time);
      if (day > lastDay) break;
      push(day);
      if (rng.uniform() < p) break;
    }
  }
  return { customerIds, days: Int32Array.from(days), amounts: Float64Array.from(amounts), channels };
}

describe('fitBgNbd / analyseClv when the likelihood runs off to a, b -> infinity', () => {
  // 400 customers simulated with one dropout probability p = 0.3 for all (no heterogeneity): the MLE of (a, b) diverges.
  const transactions = constantDropoutTransactions(3, 400, 0.3);

  it('analyseClv finishes with a finite CLV total, the constant-dropout limit and a warning', () => {
    const result = analyseClv(transactions, { calibrationEndDay: 250 });
    expect(result.bgNbd.params.a + result.bgNbd.params.b).toBeGreaterThan(1e4);
    expect(Number.isFinite(result.clvTotal)).toBe(true);
    expect(result.clvTotal).toBeGreaterThan(0);
    expect(result.clv.every(Number.isFinite)).toBe(true);
    expect(result.expectedPurchases.every(Number.isFinite)).toBe(true);
    const limit = result.bgNbd.constantDropout!;
    expect(limit.p).toBeCloseTo(result.bgNbd.params.a / (result.bgNbd.params.a + result.bgNbd.params.b), 12);
    expect(Math.abs(limit.p - 0.3)).toBeLessThan(0.15);
    expect(result.bgNbd.warnings).toHaveLength(1);
    expect(result.bgNbd.warnings[0]).toMatch(/^BG\/NBD dropout heterogeneity not identified: a and b diverge .* with a\/\(a\+b\) = 0\.\d{3}/);
    expect(result.warnings).toContain(result.bgNbd.warnings[0]);
  });

  it('the optional penalty keeps a and b finite and then no warning is given', () => {
    const summary = summariseTransactions(transactions, { calibrationEndDay: 250 });
    const fit = fitBgNbd(summary, { penalty: 1e-4 });
    expect(fit.params.a + fit.params.b).toBeLessThan(1e4);
    expect(fit.constantDropout).toBeNull();
    expect(fit.warnings).toEqual([]);
  });

  it('CDNOW (a = 0.79, b = 2.43) is not flagged', () => {
    const fit = fitBgNbd(summariseTransactions(readCdnowOrders(), { calibrationEndDay: CDNOW_CALIBRATION_END_DAY }));
    expect(fit.constantDropout).toBeNull();
    expect(fit.warnings).toEqual([]);
  });
});

describe('BG/NBD on a log where every customer behaves alike (uniform gaps, 1-6 orders): the constant-dropout limit', () => {
  /** 3000 customers from 2016-01-01, 1-6 orders each, gaps uniform on 1-120 days: no spread in dropout. */
  function alikeLog(seed: number): ClvTransactions {
    const rng = new Rng(seed);
    const customerIds: string[] = [];
    const days: number[] = [];
    const amounts: number[] = [];
    for (let c = 0; c < 3000; c++) {
      const n = 1 + rng.int(6);
      let d = 16801 + rng.int(900);
      for (let k = 0; k < n; k++) {
        customerIds.push(`c${c}`);
        days.push(d);
        amounts.push(20 + 80 * rng.uniform());
        d += 1 + rng.int(120);
      }
    }
    return { customerIds, days: Int32Array.from(days), amounts: Float64Array.from(amounts) };
  }
  const rfm = (seed: number) => summariseTransactions(alikeLog(seed), { calibrationEndDay: 17852 });

  it('fits every seed at the constant-dropout limit, as a fit kept finite by a tiny penalty does (an independent route)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const data = rfm(seed);
      const fit = fitBgNbd(data);
      // The reference: lifetimes' L2 penalty, 1e-12, keeps a and b finite without moving r, alpha or a/(a+b).
      const ref = fitBgNbd(data, { penalty: 1e-12 });
      expect(fit.diagnostics.converged, `seed ${seed}`).toBe(true);
      expect(fit.constantDropout, `seed ${seed}`).not.toBeNull();
      expect(Math.abs(fit.params.r / ref.params.r - 1), `seed ${seed}`).toBeLessThan(1e-3);
      expect(Math.abs(fit.params.alpha / ref.params.alpha - 1), `seed ${seed}`).toBeLessThan(1e-3);
      expect(Math.abs(fit.constantDropout!.p / (ref.params.a / (ref.params.a + ref.params.b)) - 1), `seed ${seed}`).toBeLessThan(1e-3);
    }
  });
});
