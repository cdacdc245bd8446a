import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.ts';
import { parseDateToDay } from '../../src/core/csv.ts';
import { transactionSpan } from '../../pipelines/stages/clv.ts';

describe('transactionSpan', () => {
  const days = (...iso: string[]) => Int32Array.from(iso, parseDateToDay);
  // The weekly table's weeks start 2024-01-01 and 2024-12-30: its days run to 2025-01-05.
  it('says nothing when the transaction log overlaps the weekly table', () => {
    expect(transactionSpan('tx.csv', days('2023-06-01', '2024-02-10'), '2024-01-01', '2024-12-30')).toEqual([]);
    expect(transactionSpan('tx.csv', days('2025-01-05', '2025-03-01'), '2024-01-01', '2024-12-30')).toEqual([]);
  });
  it('warns when the two do not overlap, and refuses them 52 weeks or more apart', () => {
    // 2025-01-05 to 2025-03-09 is 63 days: 9 weeks.
    expect(transactionSpan('tx.csv', days('2025-03-09', '2025-06-01'), '2024-01-01', '2024-12-30')).toEqual([
      "the transactions (2025-03-09 to 2025-06-01) and the weekly table (2024-01-01 to 2025-01-05) do not overlap (9 weeks apart): the customer values are of other weeks than the model's",
    ]);
    // 2022-12-31 to 2024-01-01 is 366 days: 52 weeks.
    const e = (() => {
      try {
        transactionSpan('tx.csv', days('2022-01-01', '2022-12-31'), '2024-01-01', '2024-12-30');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as Error).message).toBe(
      'tx.csv column "date": the transactions (2022-01-01 to 2022-12-31) and the weekly table (2024-01-01 to 2025-01-05) are 52 weeks apart: the same business\'s data? (52 weeks or more apart is refused)',
    );
  });
});
