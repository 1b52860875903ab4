import { describe, expect, it } from 'vitest';
import { type Doc, makeDoc } from './doc.js';
import { NO_ENTITIES as NONE } from './entities/index.js';
import { computeFeatures, rangeOfSpan, regionCode } from './features.js';
import type { Email, Handle, Phone, ScanContext, Span, Wallet } from './types.js';

function docOf(body: string, context: Partial<ScanContext> = {}, title?: string): Doc {
  return makeDoc({ body, title }, { language: 'und', ...context });
}

/** The field span of the first occurrence of `raw` in the document. */
function spanOf(doc: Doc, raw: string): Span {
  const start = doc.folded.original.indexOf(raw);
  if (start < 0) throw new Error(`"${raw}" is not in the document`);
  return doc.span({ start, end: start + raw.length });
}

function phone(doc: Doc, raw: string, fields: Partial<Phone> = {}): Phone {
  return {
    e164: '+12125550147',
    raw,
    span: spanOf(doc, raw),
    obfuscated: false,
    country: 'US',
    area: 'US-NY',
    ...fields,
  };
}

function handle(doc: Doc, raw: string, fields: Partial<Handle> = {}): Handle {
  return {
    platform: 'telegram',
    kind: 'messaging',
    handle: 'sunny_rose',
    raw,
    span: spanOf(doc, raw),
    obfuscated: false,
    ...fields,
  };
}

/** Original text of each evidence range of a feature. */
function evidence(
  doc: Doc,
  ranges: readonly { start: number; end: number }[] | undefined,
): string[] {
  return (ranges ?? []).map((r) => doc.folded.original.slice(r.start, r.end));
}

describe('regionCode', () => {
  it.each([
    ['New York', undefined, 'US-NY'],
    ['NY', 'US', 'US-NY'],
    ['N.Y.', 'US', 'US-NY'],
    ['us-ny', undefined, 'US-NY'],
    ['District of Columbia', 'us', 'US-DC'],
    ['Washington, D.C.', undefined, 'US-DC'],
    ['Québec', undefined, 'CA-QC'],
    ['ON', 'CA', 'CA-ON'],
    ['british columbia', undefined, 'CA-BC'],
  ])('reads %s (country %s) as %s', (region, country, code) => {
    expect(regionCode(region, country)).toBe(code);
  });

  it('answers the same when asked again (the answers are remembered)', () => {
    for (let i = 0; i < 3; i++) {
      expect(regionCode('N.Y.', 'US')).toBe('US-NY');
      expect(regionCode('N.Y.', 'GB')).toBeUndefined();
      expect(regionCode('N.Y.')).toBe('US-NY');
      expect(regionCode('N.Y.', '')).toBe('US-NY');
    }
  });

  it('gives nothing for other countries or unknown names', () => {
    expect(regionCode('ON', 'US')).toBeUndefined();
    expect(regionCode('NY', 'GB')).toBeUndefined();
    expect(regionCode('Bavaria')).toBeUndefined();
    expect(regionCode(undefined)).toBeUndefined();
  });
});

describe('rangeOfSpan', () => {
  it('maps field spans back into the joined title and body', () => {
    const doc = docOf('Body text here', {}, 'Title');
    const span = spanOf(doc, 'text');
    expect(span.field).toBe('body');
    expect(evidence(doc, [rangeOfSpan(doc, span)])).toEqual(['text']);
    expect(evidence(doc, [rangeOfSpan(doc, spanOf(doc, 'Title'))])).toEqual(['Title']);
  });
});

describe('phone_region_mismatch', () => {
  it('holds for a NANP area code from another state or province', () => {
    const doc = docOf('Call 702-555-0147', { country: 'US', region: 'New York' });
    const features = computeFeatures(
      doc,
      { ...NONE, phones: [phone(doc, '702-555-0147', { area: 'US-NV' })] },
      new Set(),
    );
    expect(evidence(doc, features.phone_region_mismatch)).toEqual(['702-555-0147']);
  });

  it('holds for a phone from another country, also when only the region is known', () => {
    const doc = docOf('Call +44 20 7946 0123', { region: 'NY' });
    const uk = phone(doc, '+44 20 7946 0123', {
      e164: '+442079460123',
      country: 'GB',
      area: undefined,
    });
    expect(
      computeFeatures(doc, { ...NONE, phones: [uk] }, new Set()).phone_region_mismatch,
    ).toHaveLength(1);
  });

  it('does not hold for a local phone or without a posting location', () => {
    const doc = docOf('Call 212-555-0147', { country: 'US', region: 'NY' });
    const local = phone(doc, '212-555-0147');
    expect(
      computeFeatures(doc, { ...NONE, phones: [local] }, new Set()).phone_region_mismatch,
    ).toBeUndefined();
    const nowhere = docOf('Call 212-555-0147');
    expect(
      computeFeatures(nowhere, { ...NONE, phones: [phone(nowhere, '212-555-0147')] }, new Set())
        .phone_region_mismatch,
    ).toBeUndefined();
  });
});

describe('messaging_only_contact', () => {
  it('holds for a messaging handle without phone or email', () => {
    const doc = docOf('Telegram: @sunny_rose');
    const features = computeFeatures(
      doc,
      { ...NONE, handles: [handle(doc, 'Telegram: @sunny_rose')] },
      new Set(['telegram']),
    );
    expect(evidence(doc, features.messaging_only_contact)).toEqual(['Telegram: @sunny_rose']);
  });

  it('holds for a platform named without a handle, pointing at the name', () => {
    const doc = docOf('Details on WhatsApp, we reply fast');
    const features = computeFeatures(doc, NONE, new Set(['whatsapp']));
    expect(evidence(doc, features.messaging_only_contact)).toEqual(['WhatsApp']);
  });

  it('does not hold when an ordinary phone or email is given', () => {
    const doc = docOf('WhatsApp or call 212-555-0147');
    const features = computeFeatures(
      doc,
      { ...NONE, phones: [phone(doc, '212-555-0147')] },
      new Set(['whatsapp']),
    );
    expect(features.messaging_only_contact).toBeUndefined();
    const mail = docOf('Telegram or mail sunny@example.com');
    const email: Email = {
      value: 'sunny@example.com',
      raw: 'sunny@example.com',
      span: spanOf(mail, 'sunny@example.com'),
      obfuscated: false,
    };
    expect(
      computeFeatures(mail, { ...NONE, emails: [email] }, new Set(['telegram']))
        .messaging_only_contact,
    ).toBeUndefined();
    // Payment apps are not messaging.
    expect(
      computeFeatures(docOf('cashapp me'), NONE, new Set(['cashapp'])).messaging_only_contact,
    ).toBeUndefined();
  });

  it('treats the number of a WhatsApp handle as messaging, not as an ordinary phone', () => {
    const doc = docOf('WhatsApp +1 212 555 0147');
    const wa = handle(doc, 'WhatsApp +1 212 555 0147', {
      platform: 'whatsapp',
      handle: '+12125550147',
    });
    const same = phone(doc, '+1 212 555 0147');
    const features = computeFeatures(
      doc,
      { ...NONE, phones: [same], handles: [wa] },
      new Set(['whatsapp']),
    );
    expect(features.messaging_only_contact).toBeDefined();
  });

  it('holds for explicit wording', () => {
    for (const text of [
      'Text only please',
      'no calls',
      'WhatsApp only',
      'solo whatsapp',
      "Don't call, text",
      'sem ligações',
    ]) {
      const doc = docOf(text);
      expect(
        evidence(doc, computeFeatures(doc, NONE, new Set()).messaging_only_contact),
        text,
      ).toHaveLength(1);
    }
    expect(
      computeFeatures(docOf('Call only after 6pm'), NONE, new Set()).messaging_only_contact,
    ).toBeUndefined();
  });

  it('reads wording at word boundaries only, with or without blanks between its words', () => {
    const only = (text: string): string[] => {
      const doc = docOf(text);
      return evidence(doc, computeFeatures(doc, NONE, new Set()).messaging_only_contact);
    };
    expect(only('TEXTONLY')).toEqual(['TEXTONLY']);
    expect(only('whatsapp\t only, no calls')).toEqual(['whatsapp\t only', 'no calls']);
    expect(only('Réné: solo whatsapp')).toEqual(['solo whatsapp']);
    expect(only('context only')).toEqual([]);
    expect(only('x_text only')).toEqual([]);
    expect(only('dms only')).toEqual(['dms only']);
  });
});

describe('obscured_contact, crypto_payment, many_contacts', () => {
  it('collects obfuscated phones, emails and handles', () => {
    const doc = docOf('two one two five five five and sunny (at) example (dot) com');
    const features = computeFeatures(
      doc,
      {
        ...NONE,
        phones: [phone(doc, 'two one two five five five', { obfuscated: true })],
        emails: [
          {
            value: 'sunny@example.com',
            raw: 'sunny (at) example (dot) com',
            span: spanOf(doc, 'sunny (at) example (dot) com'),
            obfuscated: true,
          },
        ],
      },
      new Set(),
    );
    expect(evidence(doc, features.obscured_contact)).toEqual([
      'two one two five five five',
      'sunny (at) example (dot) com',
    ]);
    expect(computeFeatures(doc, NONE, new Set()).obscured_contact).toBeUndefined();
  });

  it('holds crypto_payment for any wallet', () => {
    const doc = docOf('pay bc1qexample');
    const wallet: Wallet = {
      chain: 'bitcoin',
      address: 'bc1qexample',
      checksummed: false,
      raw: 'bc1qexample',
      span: spanOf(doc, 'bc1qexample'),
      obfuscated: false,
    };
    expect(
      evidence(doc, computeFeatures(doc, { ...NONE, wallets: [wallet] }, new Set()).crypto_payment),
    ).toEqual(['bc1qexample']);
  });

  it('counts distinct phones and handles, a WhatsApp number once', () => {
    const doc = docOf('212-555-0147 / 212-555-0148 / WhatsApp +1 212 555 0147 / snap: sunny_rose');
    const a = phone(doc, '212-555-0147');
    const b = phone(doc, '212-555-0148', { e164: '+12125550148' });
    const wa = handle(doc, 'WhatsApp +1 212 555 0147', {
      platform: 'whatsapp',
      handle: '+12125550147',
    });
    const snap = handle(doc, 'snap: sunny_rose', { platform: 'snapchat' });
    expect(
      computeFeatures(doc, { ...NONE, phones: [a, b], handles: [wa] }, new Set()).many_contacts,
    ).toBeUndefined();
    const features = computeFeatures(
      doc,
      { ...NONE, phones: [a, b], handles: [wa, snap] },
      new Set(),
    );
    expect(features.many_contacts).toHaveLength(4);
  });
});

describe('third_party_contact', () => {
  it('finds a manager, booker or driver who takes the contact', () => {
    for (const text of ['Call my manager to book', 'Her booker will confirm', 'text our driver']) {
      const doc = docOf(text);
      expect(
        evidence(doc, computeFeatures(doc, NONE, new Set()).third_party_contact),
        text,
      ).toHaveLength(1);
    }
    expect(
      computeFeatures(docOf('I manage my own bookings'), NONE, new Set()).third_party_contact,
    ).toBeUndefined();
  });
});
