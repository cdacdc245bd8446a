/**
 * Compression of per-customer (frequency, recency, T) into unique patterns with
 * weights, so a likelihood over millions of customers costs one term per
 * pattern. Customers summarised from daily transactions share patterns
 * heavily (recency and T are whole days / 7).
 */
import { ValidationError } from '../core/errors.ts';
import type { RfmColumns, RfmPatterns } from './types.ts';

function mix32(h: number): number {
  // murmur3 finaliser
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Cheap hash of a non-negative time: its value in 1/4096 weeks, wrapped to 32 bits (equal values hash equally; near values may collide, which the equality check resolves). */
function hashTime(v: number): number {
  return (v * 4096) | 0;
}

/**
 * Checks BG/NBD inputs: frequency a whole number >= 0, 0 <= recency <= T, recency 0 when
 * frequency is 0, T finite, weights (when given) finite and > 0.
 * @throws ValidationError naming the 1-based customer row and the column
 */
export function checkRfmColumns(rfm: RfmColumns): void {
  const { frequency, recency, T, weight } = rfm;
  const n = frequency.length;
  if (recency.length !== n || T.length !== n || (weight && weight.length !== n)) {
    throw new ValidationError(`frequency, recency, T${weight ? ' and weight' : ''} must have the same length (got ${n}, ${recency.length}, ${T.length}${weight ? `, ${weight.length}` : ''})`);
  }
  for (let i = 0; i < n; i++) {
    const x = frequency[i];
    const tx = recency[i];
    const age = T[i];
    if (!(x >= 0) || !Number.isInteger(x)) throw new ValidationError(`frequency must be a whole number >= 0, got ${x}`, { row: i + 1, column: 'frequency' });
    if (!Number.isFinite(age) || age < 0) throw new ValidationError(`T must be finite and >= 0, got ${age}`, { row: i + 1, column: 'T' });
    if (!(tx >= 0) || tx > age) throw new ValidationError(`recency must be between 0 and T = ${age}, got ${tx}`, { row: i + 1, column: 'recency' });
    if (x === 0 && tx !== 0) throw new ValidationError(`recency must be 0 when frequency is 0, got ${tx}`, { row: i + 1, column: 'recency' });
    if (weight && !(weight[i] > 0 && Number.isFinite(weight[i]))) throw new ValidationError(`weight must be finite and > 0, got ${weight[i]}`, { row: i + 1, column: 'weight' });
  }
}

/**
 * Groups customers with identical (frequency, recency, T) into patterns, in order of first
 * appearance, with summed weights. An open-addressing hash table (typed
 * arrays, no per-customer objects) keeps this linear in time and small in memory.
 * Readable form: `Map<"x|t_x|T", index>`.
 * @throws ValidationError for invalid inputs (see {@link checkRfmColumns})
 */
export function compressRfmPatterns(rfm: RfmColumns): RfmPatterns {
  checkRfmColumns(rfm);
  const { frequency, recency, T, weight } = rfm;
  const n = frequency.length;
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const patternOfCustomer = new Int32Array(n);
  const px = new Float64Array(n);
  const ptx = new Float64Array(n);
  const pT = new Float64Array(n);
  const pw = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = frequency[i];
    const tx = recency[i] + 0; // + 0 turns -0 into 0
    const age = T[i] + 0;
    let slot = mix32(Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(hashTime(tx), 0x85ebca77) ^ Math.imul(hashTime(age), 0x165667b1)) & mask;
    for (;;) {
      const p = slots[slot];
      if (p < 0) {
        slots[slot] = count;
        px[count] = x;
        ptx[count] = tx;
        pT[count] = age;
        pw[count] = weight ? weight[i] : 1;
        patternOfCustomer[i] = count;
        count++;
        break;
      }
      if (px[p] === x && ptx[p] === tx && pT[p] === age) {
        pw[p] += weight ? weight[i] : 1;
        patternOfCustomer[i] = p;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return {
    count,
    frequency: px.slice(0, count),
    recency: ptx.slice(0, count),
    T: pT.slice(0, count),
    weight: pw.slice(0, count),
    patternOfCustomer,
  };
}

/**
 * The patterns of `rfm`: returned as they are when `rfm` is already an {@link RfmPatterns}
 * (compressed once, reused by fit and predictions), else compressed.
 * @throws ValidationError for invalid inputs (see {@link checkRfmColumns})
 */
export function asRfmPatterns(rfm: RfmColumns | RfmPatterns): RfmPatterns {
  return 'patternOfCustomer' in rfm && rfm.patternOfCustomer instanceof Int32Array ? rfm : compressRfmPatterns(rfm);
}
