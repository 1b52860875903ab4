/**
 * Sharing (docs/sharing.md, docs/api.md "Sharing"): the partner organisations and whether their
 * keys were confirmed out of band, the data-sharing agreements recorded here, and the packages
 * sent and received. Everyone with `share:use` sees them; registering and confirming partners
 * and recording agreements needs `share:manage` (admins). A received package is accepted into a
 * case here; a case is shared from the case's own screen (case-share.tsx).
 */
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { api, must } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import { Badge, Empty, Field, Page, Time, View } from '../ui/kit.js';
import { linesOf, sizeText } from './case-kit.js';
import {
  type AgreementView,
  fetchAgreements,
  fetchPartners,
  PapMark,
  type Partner,
  readAgreement,
  type SharePackage,
  ShareProblem,
  TlpMark,
  validityState,
} from './share-kit.js';

type Tab = 'partners' | 'agreements' | 'packages';

const TABS: readonly (readonly [Tab, string, string])[] = [
  ['partners', 'Partners', 'sharing'],
  ['agreements', 'Agreements', 'sharing/agreements'],
  ['packages', 'Packages', 'sharing/packages'],
];

/** `#/sharing`, `#/sharing/agreements`, `#/sharing/packages`. */
export function SharingScreen(props: { readonly tab: string | undefined }) {
  switch (props.tab) {
    case undefined:
    case 'partners':
      return <PartnersScreen />;
    case 'agreements':
      return <AgreementsScreen />;
    case 'packages':
      return <PackagesScreen />;
    default:
      return (
        <SharingFrame tab="partners" title="Sharing">
          <Empty>
            <p>
              There is no such page. <a href={href('sharing')}>Go to the partners.</a>
            </p>
          </Empty>
        </SharingFrame>
      );
  }
}

function SharingFrame(props: {
  readonly tab: Tab;
  readonly title: string;
  readonly actions?: ReactNode;
  readonly children: ReactNode;
}) {
  return (
    <>
      <nav className="sh-tabs" aria-label="Sharing">
        <ul>
          {TABS.map(([tab, label, path]) => (
            <li key={tab}>
              <a href={`#/${path}`} aria-current={tab === props.tab ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <Page title={props.title} {...(props.actions !== undefined && { actions: props.actions })}>
        {props.children}
      </Page>
    </>
  );
}

function Table(props: { readonly caption: string; readonly children: ReactNode }) {
  return (
    <div className="sh-table">
      <table>
        <caption className="visually-hidden">{props.caption}</caption>
        {props.children}
      </table>
    </div>
  );
}

/** A button that opens a form, and gives the focus back to itself when the form closes. */
function useOpener() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    window.setTimeout(() => button.current?.focus(), 0);
  };
  const toggle = (label: string, controls: string) => (
    <button
      type="button"
      className="primary"
      ref={button}
      aria-expanded={open}
      aria-controls={controls}
      onClick={() => setOpen((was) => !was)}
    >
      {label}
    </button>
  );
  return { open, close, toggle, setOpen };
}

/** Moves the focus to the element once, when it appears (a form's heading or first field). */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}

// ---------------------------------------------------------------------------------------------
// Partners

export function PartnersScreen() {
  const session = useSession();
  const manage = session.can('share:manage');
  const partners = useQuery(fetchPartners, []);
  const opener = useOpener();
  const [confirming, setConfirming] = useState<Partner | undefined>(undefined);
  const [done, setDone] = useState<ReactNode>(undefined);
  return (
    <SharingFrame
      tab="partners"
      title="Partners"
      {...(manage && { actions: opener.toggle('Register a partner', 'sh-register') })}
    >
      <p className="muted sh-intro">
        Other organisations’ Vigil instances this one may share with, each known by its public key.
        Nothing is sent to or accepted from a partner until its key’s fingerprint has been compared
        with the partner out of band and confirmed.
      </p>
      {done !== undefined && (
        <div className="sh-done" role="status">
          {done}
        </div>
      )}
      {opener.open && (
        <RegisterPartner
          onCancel={opener.close}
          onRegistered={(partner) => {
            opener.setOpen(false);
            setDone(
              <p>
                Registered {partner.name} ({partner.org}). Its key is <strong>not confirmed</strong>
                : compare the fingerprint with the partner before anything is exchanged.
              </p>,
            );
            partners.reload();
          }}
        />
      )}
      {confirming !== undefined && (
        <ConfirmPartner
          key={confirming.org}
          partner={confirming}
          onCancel={() => setConfirming(undefined)}
          onConfirmed={(partner) => {
            setConfirming(undefined);
            setDone(
              <p>
                Confirmed the key of {partner.name} ({partner.org}).
              </p>,
            );
            partners.reload();
          }}
        />
      )}
      <View result={partners.result} retry={partners.reload} rows={3}>
        {(items) =>
          items.length === 0 ? (
            <Empty>
              <p>No partners yet.</p>
              <p>
                {manage
                  ? 'Register one with the public key line its administrator gives you (vigil share key on its side).'
                  : 'An administrator registers partners and confirms their keys.'}
              </p>
            </Empty>
          ) : (
            <Table caption="Partner organisations">
              <thead>
                <tr>
                  <th scope="col">Organisation</th>
                  <th scope="col">Name</th>
                  <th scope="col">Key fingerprint</th>
                  <th scope="col">Key</th>
                  <th scope="col">Instance URL</th>
                  {manage && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {items.map((partner) => (
                  <tr key={partner.org}>
                    <td className="sh-mono">{partner.org}</td>
                    <td className="sh-wrap">{partner.name}</td>
                    <td>
                      <code className="sh-fingerprint">{partner.fingerprint}</code>
                    </td>
                    <td>
                      {partner.confirmedAt === undefined ? (
                        <span className="sh-unconfirmed">NOT CONFIRMED</span>
                      ) : (
                        <>
                          <Badge tone="ok">Confirmed</Badge>{' '}
                          <span className="muted cs-small">
                            <Time at={partner.confirmedAt} />
                          </span>
                        </>
                      )}
                    </td>
                    <td className="sh-wrap">
                      {partner.url ?? <span className="muted">none (packages are downloaded)</span>}
                    </td>
                    {manage && (
                      <td>
                        {partner.confirmedAt === undefined && (
                          <button
                            type="button"
                            aria-label={`Confirm the key of ${partner.org}`}
                            onClick={() => {
                              setDone(undefined);
                              setConfirming(partner);
                            }}
                          >
                            Confirm
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
          )
        }
      </View>
    </SharingFrame>
  );
}

function RegisterPartner(props: {
  readonly onCancel: () => void;
  readonly onRegistered: (partner: Partner) => void;
}) {
  const [publicKey, setPublicKey] = useState('');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [logKeys, setLogKeys] = useState('');
  const first = useFocusOnMount<HTMLTextAreaElement>();
  const register = useAction(async () => {
    const keys = linesOf(logKeys);
    const partner = must(
      await api.POST('/v1/share/partners', {
        body: {
          publicKey: publicKey.trim(),
          name: name.trim(),
          ...(url.trim() !== '' && { url: url.trim() }),
          ...(keys.length > 0 && { logKeys: keys }),
        },
      }),
    );
    props.onRegistered(partner);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void register.act();
  };
  return (
    <form
      id="sh-register"
      className="panel sh-form"
      onSubmit={submit}
      aria-labelledby="sh-register-title"
    >
      <h2 id="sh-register-title">Register a partner</h2>
      <Field
        label="Public key line"
        id="sh-partner-key"
        hint="One line, vigil-org:<organisation id>:ed25519:…:x25519:…, as vigil share key prints it on the partner’s instance."
      >
        <textarea
          id="sh-partner-key"
          ref={first}
          className="sh-key-input"
          rows={3}
          required
          maxLength={512}
          spellCheck={false}
          value={publicKey}
          onChange={(event) => setPublicKey(event.target.value)}
        />
      </Field>
      <Field label="Partner name" id="sh-partner-name">
        <input
          id="sh-partner-name"
          required
          maxLength={300}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </Field>
      <Field
        label="Instance URL (optional)"
        id="sh-partner-url"
        hint="Where packages and matching requests are delivered, e.g. https://vigil.partner.example. Without it, packages are downloaded and handed over another way."
      >
        <input
          id="sh-partner-url"
          type="url"
          maxLength={500}
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
      </Field>
      <Field
        label="Evidence log keys (optional)"
        id="sh-partner-log-keys"
        hint="One a line: the keys the partner’s evidence log signs with, to verify the evidence bundles it sends."
      >
        <textarea
          id="sh-partner-log-keys"
          className="sh-key-input"
          rows={3}
          spellCheck={false}
          value={logKeys}
          onChange={(event) => setLogKeys(event.target.value)}
        />
      </Field>
      <ShareProblem error={register.error} />
      <div className="sh-buttons">
        <button
          type="submit"
          className="primary"
          disabled={register.pending || publicKey.trim() === '' || name.trim() === ''}
        >
          Register partner
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ConfirmPartner(props: {
  readonly partner: Partner;
  readonly onCancel: () => void;
  readonly onConfirmed: (partner: Partner) => void;
}) {
  const { partner } = props;
  const [fingerprint, setFingerprint] = useState('');
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const confirm = useAction(async () => {
    const confirmed = must(
      await api.POST('/v1/share/partners/{org}/confirm', {
        params: { path: { org: partner.org } },
        body: { fingerprint: fingerprint.trim() },
      }),
    );
    props.onConfirmed(confirmed);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void confirm.act();
  };
  return (
    <form className="panel sh-form" onSubmit={submit} aria-labelledby="sh-confirm-title">
      <h2 id="sh-confirm-title" ref={heading} tabIndex={-1}>
        Confirm the key of {partner.name} ({partner.org})
      </h2>
      <div className="sh-explain">
        <p>
          Call or meet the partner through a channel you already trust (a phone number you know, not
          one sent with the key) and ask them to read the fingerprint of their key, which{' '}
          <code>vigil share key</code> shows on their side. Type it here as they read it.
        </p>
        <p>
          The field is not filled in for you on purpose: the key line reached you through a channel
          that someone could have tampered with. Only the fingerprint heard from the partner proves
          the key is theirs. If it does not match, do not confirm.
        </p>
      </div>
      <Field
        label="Fingerprint as the partner read it"
        id="sh-confirm-fingerprint"
        hint="64 hexadecimal digits; spaces and capitals do not matter."
      >
        <input
          id="sh-confirm-fingerprint"
          className="sh-key-input"
          required
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          value={fingerprint}
          onChange={(event) => setFingerprint(event.target.value)}
        />
      </Field>
      <ShareProblem error={confirm.error} />
      <div className="sh-buttons">
        <button
          type="submit"
          className="primary"
          disabled={confirm.pending || fingerprint.trim() === ''}
        >
          Confirm key
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Agreements

const EXAMPLE_AGREEMENT = {
  id: 'ag-2026-001',
  title: 'Signal exchange between Example Classifieds and the National Anti-Trafficking Unit',
  parties: [
    {
      organisationId: 'org.classifieds',
      name: 'Example Classifieds',
      keyFingerprints: ['3f1c0a7e9b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e'],
    },
    {
      organisationId: 'org.natu',
      name: 'National Anti-Trafficking Unit',
      keyFingerprints: ['9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d'],
    },
  ],
  purposes: {
    allowed: ['investigation', 'victim-identification'],
    description: 'Identify and protect victims of trafficking and investigate the offences.',
  },
  legalBasis: {
    kind: 'bilateral-agreement',
    reference: 'MoU 2026-01',
    citation: 'Memorandum of understanding of 1 January 2026, sections 2 to 9',
  },
  dataCategories: ['indicators', 'case-summaries'],
  maxTlp: 'amber',
  papCeiling: 'amber',
  retentionDays: 90,
  onwardSharing: 'none',
  validity: { from: '2026-01-01T00:00:00Z', until: '2027-01-01T00:00:00Z' },
};

export function AgreementsScreen() {
  const session = useSession();
  const manage = session.can('share:manage');
  const agreements = useQuery(fetchAgreements, []);
  const opener = useOpener();
  const [done, setDone] = useState<string | undefined>(undefined);
  const now = Date.now();
  return (
    <SharingFrame
      tab="agreements"
      title="Agreements"
      {...(manage && { actions: opener.toggle('Record an agreement', 'sh-record') })}
    >
      <p className="muted sh-intro">
        Data-sharing agreements, applied as policy: every export is checked against one, denied by
        default, and redacted to what it allows. Victim data is never shared unless the agreement
        names the category victim-data.
      </p>
      {done !== undefined && (
        <div className="sh-done" role="status">
          <p>{done}</p>
        </div>
      )}
      {opener.open && (
        <RecordAgreement
          onCancel={opener.close}
          onRecorded={(id) => {
            opener.setOpen(false);
            setDone(`Recorded agreement ${id}.`);
            agreements.reload();
          }}
        />
      )}
      <View result={agreements.result} retry={agreements.reload} rows={3}>
        {(items) =>
          items.length === 0 ? (
            <Empty>
              <p>No agreements yet.</p>
              <p>
                {manage
                  ? 'Record the agreement signed with a partner before sharing anything with it.'
                  : 'An administrator records the agreements signed with partners.'}
              </p>
            </Empty>
          ) : (
            <Table caption="Data-sharing agreements">
              <thead>
                <tr>
                  <th scope="col">Agreement</th>
                  <th scope="col">Parties</th>
                  <th scope="col">Purposes</th>
                  <th scope="col">Data categories</th>
                  <th scope="col">Max TLP</th>
                  <th scope="col">PAP ceiling</th>
                  <th scope="col">Validity</th>
                </tr>
              </thead>
              <tbody>
                {items.map((stored) => (
                  <AgreementRow key={stored.id} view={readAgreement(stored)} now={now} />
                ))}
              </tbody>
            </Table>
          )
        }
      </View>
    </SharingFrame>
  );
}

function AgreementRow(props: { readonly view: AgreementView; readonly now: number }) {
  const { view } = props;
  const state = validityState(view, props.now);
  return (
    <tr>
      <td className="sh-wrap">
        <span className="sh-mono">{view.id}</span>
        {view.title !== undefined && <div>{view.title}</div>}
      </td>
      <td className="sh-wrap">
        {view.parties.length === 0 ? (
          <span className="muted">unreadable</span>
        ) : (
          <ul className="sh-parties">
            {view.parties.map((party) => (
              <li key={party.org}>
                {party.name ?? party.org} <span className="muted sh-mono">({party.org})</span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{view.purposes.join(', ') || <span className="muted">—</span>}</td>
      <td>
        <span className="sh-chips">
          {view.categories.length === 0 && <span className="muted">—</span>}
          {view.categories.map((category) => (
            <Badge key={category} tone={category === 'victim-data' ? 'high' : 'info'}>
              {category}
            </Badge>
          ))}
        </span>
      </td>
      <td>
        <TlpMark tlp={view.maxTlp} />
      </td>
      <td>
        <PapMark pap={view.papCeiling} />
      </td>
      <td>
        {view.from === undefined || view.until === undefined ? (
          <span className="muted">not stated</span>
        ) : (
          <>
            <Time at={view.from} /> – <Time at={view.until} />
            {state !== undefined && (
              <div>
                <Badge tone={state === 'in force' ? 'ok' : 'medium'}>{state}</Badge>
              </div>
            )}
          </>
        )}
      </td>
    </tr>
  );
}

function RecordAgreement(props: {
  readonly onCancel: () => void;
  readonly onRecorded: (id: string) => void;
}) {
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | undefined>(undefined);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const record = useAction(async (agreement: Record<string, unknown>) => {
    const stored = must(await api.POST('/v1/share/agreements', { body: agreement }));
    props.onRecorded(stored.id);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.clearError();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      setParseError(
        `This is not JSON: ${error instanceof Error ? error.message : 'it cannot be read'}.`,
      );
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setParseError('The agreement is one JSON object: { "id": …, "parties": [ … ], … }.');
      return;
    }
    setParseError(undefined);
    void record.act(parsed as Record<string, unknown>);
  };
  return (
    <form
      id="sh-record"
      className="panel sh-form"
      onSubmit={submit}
      aria-labelledby="sh-record-title"
    >
      <h2 id="sh-record-title" ref={heading} tabIndex={-1}>
        Record an agreement
      </h2>
      <p className="hint">
        The agreement as JSON, with its nine clauses: parties (with their key fingerprints),
        purposes, legal basis, data categories, maximum TLP, PAP ceiling, retention, onward sharing
        and validity. It must list this organisation among its parties. The fields are described in
        docs/sharing.md (“Agreements”) and the request in the{' '}
        <a href="/docs" target="_blank" rel="noreferrer">
          API reference
        </a>
        .
      </p>
      <Field label="Agreement (JSON)" id="sh-agreement-json">
        <textarea
          id="sh-agreement-json"
          className="sh-json"
          required
          spellCheck={false}
          value={text}
          aria-invalid={parseError !== undefined}
          aria-describedby={parseError !== undefined ? 'sh-agreement-parse' : undefined}
          onChange={(event) => setText(event.target.value)}
        />
      </Field>
      {parseError !== undefined && (
        <p id="sh-agreement-parse" className="action-error" role="alert">
          {parseError}
        </p>
      )}
      <ShareProblem error={record.error} />
      <div className="sh-buttons">
        <button type="submit" className="primary" disabled={record.pending || text.trim() === ''}>
          Record agreement
        </button>
        <button
          type="button"
          onClick={() => {
            setParseError(undefined);
            setText(JSON.stringify(EXAMPLE_AGREEMENT, null, 2));
          }}
        >
          Fill in an example
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Packages

const STATUS_TONE: Record<string, 'ok' | 'info' | 'medium'> = {
  accepted: 'ok',
  sent: 'ok',
  received: 'medium',
  written: 'info',
};

function evidenceCount(pkg: SharePackage): number | undefined {
  if (pkg.evidence !== undefined) return pkg.evidence.length;
  const manifest = pkg.manifest;
  if (typeof manifest === 'object' && manifest !== null) {
    const evidence = (manifest as Record<string, unknown>).evidence;
    if (Array.isArray(evidence)) return evidence.length;
  }
  return undefined;
}

export function PackagesScreen() {
  const packages = useQuery(
    async () => must(await api.GET('/v1/share/packages', { params: { query: { limit: 200 } } })),
    [],
  );
  const [accepting, setAccepting] = useState<SharePackage | undefined>(undefined);
  const [accepted, setAccepted] = useState<SharePackage | undefined>(undefined);
  return (
    <SharingFrame tab="packages" title="Packages">
      <p className="muted sh-intro">
        Packages sent to partners and received from them, newest first. A received package was
        checked (signatures, addressee, hashes, the agreement and its evidence bundle) before it was
        kept; accepting it seals its files as evidence of one of your cases.
      </p>
      {accepted?.caseId !== undefined && (
        <div className="sh-done" role="status">
          <p>
            Accepted package {accepted.id} from {accepted.partner}: its files are sealed as evidence
            of the case. <a href={href('cases', accepted.caseId)}>Open the case</a>
          </p>
        </div>
      )}
      {accepting !== undefined && (
        <AcceptPackage
          key={accepting.id}
          pkg={accepting}
          onCancel={() => setAccepting(undefined)}
          onAccepted={(pkg) => {
            setAccepting(undefined);
            setAccepted(pkg);
            packages.reload();
          }}
        />
      )}
      <View result={packages.result} retry={packages.reload} rows={3}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>
              <p>No packages sent or received yet.</p>
              <p>A case’s lead shares it from the case’s screen (“Share with a partner”).</p>
            </Empty>
          ) : (
            <Table caption="Packages sent and received, newest first">
              <thead>
                <tr>
                  <th scope="col">Direction</th>
                  <th scope="col">Partner</th>
                  <th scope="col">Agreement</th>
                  <th scope="col">Status</th>
                  <th scope="col">Time</th>
                  <th scope="col">Case</th>
                  <th scope="col">Evidence files</th>
                  <th scope="col">Size</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((pkg) => {
                  const count = evidenceCount(pkg);
                  return (
                    <tr key={pkg.id}>
                      <td>{pkg.direction === 'out' ? 'Sent' : 'Received'}</td>
                      <td className="sh-mono">{pkg.partner}</td>
                      <td className="sh-mono">{pkg.agreementId}</td>
                      <td>
                        <Badge tone={STATUS_TONE[pkg.status] ?? 'info'}>{pkg.status}</Badge>
                      </td>
                      <td>
                        <Time at={pkg.createdAt} />
                      </td>
                      <td className="sh-mono">
                        {pkg.caseId === undefined ? (
                          <span className="muted">—</span>
                        ) : (
                          <a href={href('cases', pkg.caseId)}>{pkg.caseId}</a>
                        )}
                      </td>
                      <td>{count ?? <span className="muted">—</span>}</td>
                      <td>{sizeText(pkg.size)}</td>
                      <td>
                        {pkg.direction === 'in' && pkg.status === 'received' && (
                          <button
                            type="button"
                            aria-label={`Accept package ${pkg.id} from ${pkg.partner} into a case`}
                            onClick={() => {
                              setAccepted(undefined);
                              setAccepting(pkg);
                            }}
                          >
                            Accept into case
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )
        }
      </View>
    </SharingFrame>
  );
}

function AcceptPackage(props: {
  readonly pkg: SharePackage;
  readonly onCancel: () => void;
  readonly onAccepted: (pkg: SharePackage) => void;
}) {
  const { pkg } = props;
  const cases = useQuery(
    async () =>
      must(await api.GET('/v1/cases', { params: { query: { limit: 100, status: 'open' } } })),
    [],
  );
  const [caseId, setCaseId] = useState('');
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const accept = useAction(async () => {
    const accepted = must(
      await api.POST('/v1/share/packages/{id}/accept', {
        params: { path: { id: pkg.id } },
        body: { caseId },
      }),
    );
    props.onAccepted(accepted);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void accept.act();
  };
  return (
    <form className="panel sh-form" onSubmit={submit} aria-labelledby="sh-accept-title">
      <h2 id="sh-accept-title" ref={heading} tabIndex={-1}>
        Accept package {pkg.id} from {pkg.partner}
      </h2>
      <p className="hint">
        Its files are sealed as evidence of the case you choose, each logged as received from{' '}
        {pkg.partner} under agreement {pkg.agreementId}. Handle them under that agreement’s terms
        (retention, onward sharing). You must be a member of the case, not an observer.
      </p>
      <View result={cases.result} retry={cases.reload} rows={1}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">
              You have no open case. <a href={href('cases')}>Open one</a> first.
            </p>
          ) : (
            <Field label="Case" id="sh-accept-case">
              <select
                id="sh-accept-case"
                required
                value={caseId}
                onChange={(event) => setCaseId(event.target.value)}
              >
                <option value="">Choose a case…</option>
                {items.map((file) => (
                  <option key={file.id} value={file.id}>
                    {file.title} ({file.id})
                  </option>
                ))}
              </select>
            </Field>
          )
        }
      </View>
      <ShareProblem error={accept.error} />
      <div className="sh-buttons">
        <button type="submit" className="primary" disabled={accept.pending || caseId === ''}>
          Accept into case
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
