import { describe, expect, it } from 'vitest';
import { esc, renderReport } from '../../src/report/index.ts';
import { EVIL, reportFixture } from './fixture.ts';

describe('renderReport', () => {
  it('escapes every user-supplied string and contains no script or external reference', () => {
    const html = renderReport(reportFixture());
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*\b(src|href)=/);
    expect(html).toContain(esc(EVIL));
    expect(html.split(esc(EVIL)).length - 1).toBeGreaterThanOrEqual(8);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it('is deterministic and shows each section when its data is there', () => {
    const a = renderReport(reportFixture());
    expect(renderReport(reportFixture())).toBe(a);
    for (const h of ['What each channel returned', 'Response curves', 'Recommended budget (13 weeks)', 'Forecast: revenue bands', 'Customer lifetime value', 'Lineage', 'Model decision']) {
      expect(a).toContain(`>${h}<`);
    }
    const bare = renderReport({ ...reportFixture(), mmm: undefined, simulation: undefined, clv: undefined, allocation: undefined, curves: undefined, drift: undefined });
    expect(bare).not.toContain('What each channel returned');
    expect(bare).toContain('>Lineage<');
  });

  it('escapes the five HTML special characters', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
