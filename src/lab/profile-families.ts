/**
 * What the data can identify when the shape varies across families: the
 * profile-likelihood interval of one channel's ROAS when every other
 * channel's TRUE weekly effect is known (a column with a free coefficient
 * >= 0), the baseline has our form (trend, Fourier terms, the controls), and
 * the channel's own transform may be any member of the model's families
 * (adstock x saturation) with any parameters in their ranges. The most
 * favourable case for the channel: if this interval reaches beyond a
 * tolerance around the truth, no estimator using only these data (and our
 * families) can promise that tolerance.
 */
import { Rng } from '../core/rng.ts';
import { baselineColumns } from '../mmm/design.ts';
import { defaultRanges } from '../mmm/options.ts';
import { profileColumn, profileSystem } from './profile-system.ts';
import { binomialAdstock, geometricAdstock, hillSaturation, logisticSaturation, logSaturation, michaelisMenten, weibullAdstock } from '../mmm/transforms.ts';
import type { AdstockKind, SaturationKind, WeeklyData } from '../mmm/types.ts';

/** One point of the profile: a family, its parameters, the log-likelihood and the channel's ROAS there. */
interface ProfilePoint {
  family: number;
  q: number[];
  ll: number;
  roas: number;
}

/** Parameters of a family in order (adstock, then saturation) with their ranges and log flags. */
function familyBox(adstock: AdstockKind, saturation: SaturationKind): { lo: number[]; hi: number[]; log: boolean[] } {
  const r = defaultRanges(adstock);
  const ad = adstock === 'geometric' ? [r.theta] : adstock === 'binomial' ? [r.decay] : [r.shape, r.scale];
  const sat = saturation === 'hill' ? [r.alpha, r.gamma] : saturation === 'logistic' ? [r.lam] : saturation === 'michaelis_menten' ? [r.ec] : [r.gamma];
  const log = [...ad.map(() => false), ...(saturation === 'logistic' || saturation === 'michaelis_menten' ? [true] : sat.map(() => false))];
  return { lo: [...ad, ...sat].map((x) => x[0]), hi: [...ad, ...sat].map((x) => x[1]), log };
}

/** The channel's transformed series under a family and parameters q (the model's transforms). */
function transform(x: Float64Array, adstock: AdstockKind, saturation: SaturationKind, q: number[]): Float64Array {
  const a =
    adstock === 'geometric'
      ? geometricAdstock(x, q[0])
      : adstock === 'binomial'
        ? binomialAdstock(x, q[0], Math.min(8, x.length - 1))
        : weibullAdstock(x, adstock === 'weibull_cdf' ? 'cdf' : 'pdf', q[0], q[1]);
  const s = q.slice(adstock === 'geometric' || adstock === 'binomial' ? 1 : 2);
  if (saturation === 'hill') return hillSaturation(a, s[0], s[1]);
  if (saturation === 'logistic') return logisticSaturation(a, s[0]);
  if (saturation === 'michaelis_menten') return michaelisMenten(a, s[0]);
  let mx = 0;
  for (const v of a) mx = Math.max(mx, v);
  return logSaturation(a, Math.max(s[0] * mx, 1e-12));
}

/** Options of {@link profileRoasFamilies}. */
export interface FamilyProfileOptions {
  families: { adstock: AdstockKind; saturation: SaturationKind }[];
  /** Random points per family (default 1500) and refinement rounds (default 4). */
  points?: number;
  refinements?: number;
  seed?: number;
  /** Likelihood-ratio cut-off 2 (max LL - LL) (default 3.84: 95%). */
  cutoff?: number;
}

/**
 * The 95% profile-likelihood interval of channel j's ROAS over the model's
 * families (module comment): random points in each family's box, then rounds
 * of local perturbations (halving each time) around the best point and the
 * points of lowest and highest ROAS within reach of the cut-off.
 * @param effects every channel's true weekly effect (only the others' are used)
 */
export function profileRoasFamilies(data: WeeklyData, effects: Float64Array[], j: number, o: FamilyProfileOptions): { mle: number; low: number; high: number; points: number } {
  const controls = data.controls.map((c) => ({ ...c, dummy: Array.from(c.values).every((v) => v === 0 || v === 1) }));
  const base = baselineColumns(data.dates, data.dates[0], { trend: true, fourierOrder: 2, period: 52.18 }, controls, {});
  const others = effects.filter((_, k) => k !== j);
  const sys = profileSystem(data.target, [...base.map((b) => b.values), ...others], [...base.map(() => 'free' as const), ...others.map(() => 'positive' as const)]);
  const x = data.channels[j].values;
  const spend = x.reduce((a, v) => a + v, 0);
  const boxes = o.families.map((f) => familyBox(f.adstock, f.saturation));
  const points: ProfilePoint[] = [];
  let best = -Infinity;
  const evaluate = (family: number, q: number[]): void => {
    const f = o.families[family];
    const raw = transform(x, f.adstock, f.saturation, q);
    const { ll, coef } = profileColumn(sys, raw);
    const point = { family, q, ll, roas: (coef * raw.reduce((s, v) => s + v, 0)) / spend };
    points.push(point);
    if (point.ll > best) best = point.ll;
  };
  const rng = new Rng(o.seed ?? 1, 0x70726f66);
  const draw = (box: { lo: number[]; hi: number[]; log: boolean[] }, k: number, u: number): number =>
    box.log[k] ? Math.exp(Math.log(box.lo[k]) + u * Math.log(box.hi[k] / box.lo[k])) : box.lo[k] + u * (box.hi[k] - box.lo[k]);
  boxes.forEach((box, f) => {
    for (let i = 0; i < (o.points ?? 1500); i++)
      evaluate(
        f,
        box.lo.map((_, k) => draw(box, k, rng.uniform())),
      );
  });
  const cutoff = o.cutoff ?? 3.84;
  let radius = 0.1;
  for (let r = 0; r < (o.refinements ?? 4); r++) {
    const region = points.filter((e) => 2 * (best - e.ll) <= cutoff + 1);
    const by = (key: (e: ProfilePoint) => number) => [...region].sort((a, b) => key(a) - key(b)).slice(0, 15);
    const seeds = new Set([...by((e) => -e.ll), ...by((e) => e.roas), ...by((e) => -e.roas)]);
    for (const e of seeds) {
      const box = boxes[e.family];
      for (let i = 0; i < 8; i++) {
        const q = e.q.map((v, k) => {
          const u = box.log[k] ? Math.log(v / box.lo[k]) / Math.log(box.hi[k] / box.lo[k]) : (v - box.lo[k]) / (box.hi[k] - box.lo[k]);
          return draw(box, k, Math.min(1, Math.max(0, u + radius * rng.normal())));
        });
        evaluate(e.family, q);
      }
    }
    radius /= 2;
  }
  let mle = NaN;
  let low = Infinity;
  let high = -Infinity;
  for (const e of points) {
    if (e.ll === best) mle = e.roas;
    if (2 * (best - e.ll) > cutoff) continue;
    low = Math.min(low, e.roas);
    high = Math.max(high, e.roas);
  }
  return { mle, low, high, points: points.length };
}
