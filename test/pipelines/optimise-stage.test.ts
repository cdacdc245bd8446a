import { describe, expect, it } from 'vitest';
import type { MmmModel } from '../../src/mmm/types.ts';
import type { AllocationResult } from '../../src/optimise/types.ts';
import { undeterminedMoves } from '../../pipelines/allocation.ts';
import { channelsWithoutCustomers } from '../../pipelines/allocation.ts';
import type { ClvSummary } from '../../pipelines/clv.ts';

describe('undeterminedMoves', () => {
  const channel = (name: string, roas: number, roasLow: number, roasHigh: number) => ({ name, roas, roasLow, roasHigh });
  // facebook: interval 0-38 around 7.9 (the Robyn demo's); tv: 6.5-9.5 around 7.8 (narrower than half its ROAS); print: open;
  // search: fitted at no effect with an interval up to 2.28 (open); dud: no effect, up to 0.3 (it does not pay: determined).
  const model = {
    channels: [channel('facebook_S', 7.88, 0, 38.01), channel('tv_S', 7.77, 6.5, 9.5), channel('print_S', 8.36, 0, 33.94), channel('search_S', 0, 0, 2.28), channel('dud_S', 0, 0, 0.3)],
  } as unknown as MmmModel;
  const recent = { facebook_S: 1000, tv_S: 5000, print_S: 2000, search_S: 3000, dud_S: 500 };
  const plan = (allocation: Record<string, number>, status: AllocationResult['status'] = 'optimal') => ({ status, allocation }) as unknown as AllocationResult;

  it('names each channel the plan raises or cuts by more than 10% whose ROAS the data leave open, a channel fitted at no effect included', () => {
    expect(undeterminedMoves(model, recent, plan({ facebook_S: 2000, tv_S: 10000, print_S: 1000, search_S: 1500, dud_S: 0 }))).toEqual([
      'the plan raises facebook_S from 1000 to 2000 a week, but the data leave its ROAS open (90% interval 0.00-38.01 around 7.88): run a lift test of it before moving budget',
      'the plan cuts print_S from 2000 to 1000 a week, but the data leave its ROAS open (90% interval 0.00-33.94 around 8.36): run a lift test of it before moving budget',
      'the plan cuts search_S from 3000 to 1500 a week, but the data leave its ROAS open (90% interval 0.00-2.28 around 0.00): run a lift test of it before moving budget',
    ]);
  });

  it('says nothing of a move within 10%, of a determined channel, or when there is no plan', () => {
    expect(undeterminedMoves(model, recent, plan({ facebook_S: 1100, tv_S: 2000, print_S: 1900, search_S: 3000, dud_S: 0 }))).toEqual([]);
    expect(undeterminedMoves(model, recent, plan({ facebook_S: 9000, tv_S: 5000, print_S: 2000, search_S: 0, dud_S: 0 }, 'infeasible'))).toEqual([]);
  });
});

describe('channelsWithoutCustomers', () => {
  const model = { channels: [{ name: 'tv_spend' }, { name: 'search_spend' }, { name: 'radio_spend' }] } as unknown as MmmModel;
  const channelOf = { tv_spend: 'tv', search_spend: 'search', radio_spend: 'radio' };
  const clv = (byChannel: { channel: string; customers: number }[]) => ({ byChannel }) as unknown as ClvSummary;
  it('names the paid channels no customer is attributed to, by their raw names', () => {
    expect(
      channelsWithoutCustomers(
        model,
        clv([
          { channel: 'search', customers: 40 },
          { channel: 'radio', customers: 0 },
          { channel: 'referral', customers: 9 },
        ]),
        channelOf,
      ),
    ).toBe('no customer is attributed to tv, radio (no touch events of them in events.csv): their customer value counts as 0 in the CLV plan');
  });
  it("names the transaction log's channel column on a weekly table's run", () => {
    const some = clv([
      { channel: 'search', customers: 4 },
      { channel: 'radio', customers: 3 },
    ]);
    expect(channelsWithoutCustomers(model, some, channelOf, 'transactions')).toBe(
      "no customer is attributed to tv (no order names it in the transaction log's channel column): its customer value counts as 0 in the CLV plan",
    );
  });
  it('says nothing without a CLV, or when every paid channel has customers', () => {
    expect(channelsWithoutCustomers(model, null, channelOf)).toBeNull();
    expect(channelsWithoutCustomers(model, clv(['tv', 'search', 'radio'].map((channel) => ({ channel, customers: 1 }))), channelOf)).toBeNull();
  });
});
