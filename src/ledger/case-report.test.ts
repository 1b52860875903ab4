import { describe, expect, it } from 'vitest';
import { type CaseReportData, renderCaseReport } from './case-report.js';
import { CUSTODY_FORMAT, type CustodyEvent } from './custody.js';

const exported: CustodyEvent = {
  format: CUSTODY_FORMAT,
  type: 'exported',
  time: '2026-03-01T10:00:00.000Z',
  actor: { id: 'account:acc_1' },
  evidence: [{ id: 'ev_1', sha256: 'a'.repeat(64) }],
  case: 'case_1',
  purpose: 'Court package',
  counterparty: 'Prosecutor, Unit 5',
  tool: { name: 'vigil', version: '0.1.0' },
  host: 'workstation',
};

const data = (over: Partial<CaseReportData> = {}): CaseReportData => ({
  case: {
    id: 'case_1',
    title: 'Warehouse <recruiter>',
    status: 'open',
    tlp: 'amber+strict',
    openedAt: '2026-02-01T09:00:00.000Z',
  },
  exportEvent: { index: 4n, event: exported },
  log: { origin: 'vigil.local/ledger/abc', size: 5n },
  exhibits: [
    {
      id: 'ev_1',
      name: 'page.html',
      mediaType: 'text/html',
      size: 1200,
      sha256: 'a'.repeat(64),
      path: `evidence/${'a'.repeat(64)}/page.html`,
      events: [{ index: 4n, event: exported }],
    },
  ],
  links: [{ kind: 'network', targetId: 'net_1' }],
  persons: [
    { kind: 'suspect', label: 'Recruiter "M"', identifiers: ['phone:+15555550199'], itemIds: [] },
    { kind: 'victim', pseudonym: 'Victim 1', itemCount: 2 },
  ],
  ...over,
});

describe('the case report', () => {
  it('lists the exhibits with their hashes and custody, under the case marking', () => {
    const html = renderCaseReport(data());
    expect(html).toContain('TLP:AMBER+STRICT');
    expect(html).toContain('Warehouse &lt;recruiter&gt;');
    expect(html).not.toContain('<recruiter>');
    expect(html).toContain('a'.repeat(64));
    expect(html).toContain('Prosecutor, Unit 5');
    expect(html).toContain('net_1');
    expect(html).toContain('Recruiter &quot;M&quot;');
  });

  it('names victims by number and withholds their data unless authorized', () => {
    const withheld = renderCaseReport(data());
    expect(withheld).toContain('Victim 1');
    expect(withheld).toContain('Personal data withheld');
    expect(withheld).toMatch(/Victim data<\/dt><dd>withheld/);
    const disclosed = renderCaseReport(
      data({
        persons: [
          {
            kind: 'victim',
            pseudonym: 'Victim 1 (Victim A)',
            itemCount: 1,
            personalData: [['Name', 'Amaya <Testcase>']],
          },
        ],
        victimDataAuthorization: 'Court order 2026/77',
      }),
    );
    expect(disclosed).toContain('Amaya &lt;Testcase&gt;');
    expect(disclosed).toContain('included — authorization: Court order 2026/77');
    const destroyed = renderCaseReport(
      data({ persons: [{ kind: 'victim', pseudonym: 'Victim 1', itemCount: 0, destroyed: true }] }),
    );
    expect(destroyed).toContain('Personal data destroyed');
  });
});
