/**
 * The persons of a case (suspects and victims) and the access to victims' sealed personal data
 * (docs/api.md "Cases"). The list holds public fields only; a victim's personal data opens one
 * record at a time, for members a lead granted it to, and every opening is a custody event.
 *
 * Opened personal data lives only in the state of the record's row: never in a cache, the URL
 * or storage. "Hide", closing the case or destroying the data drops it.
 */
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { ApiError, api, must, type paths } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href } from '../router.js';
import { useSession } from '../session.js';
import { ActionError, Badge, Empty, Field, Time, View } from '../ui/kit.js';
import {
  type CaseDetail,
  idsOf,
  type Json,
  linesOf,
  type Powers,
  ROLE_LABEL,
  Section,
} from './case-kit.js';

type Person = Json<paths['/v1/cases/{id}/persons']['get']['responses'][200]>['items'][number];
type NewPerson = NonNullable<
  paths['/v1/cases/{id}/persons']['post']['requestBody']
>['content']['application/json'];
type VictimData = NonNullable<NewPerson['victimData']>;
type ContactKind = NonNullable<VictimData['contact']>[number]['kind'];
type ReferralKind = NonNullable<VictimData['referrals']>[number]['kind'];
type MeasureKind = NonNullable<VictimData['protectiveMeasures']>[number]['kind'];

const CONTACT_KINDS: Record<ContactKind, string> = {
  phone: 'Phone',
  email: 'Email',
  address: 'Address',
  messenger: 'Messenger',
  other: 'Other',
};
const REFERRAL_KINDS: Record<ReferralKind, string> = {
  counselling: 'Counselling',
  medical: 'Medical care',
  shelter: 'Shelter',
  'legal-aid': 'Legal aid',
};
const MEASURE_KINDS: Record<MeasureKind, string> = {
  'protection-order': 'Protection order',
  'court-anonymity': 'Anonymity in court',
};

// ---------------------------------------------------------------------------------------------
// The panel

export function Persons(props: {
  readonly data: CaseDetail;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const caseId = props.data.case.id;
  const persons = useQuery(
    async () => must(await api.GET('/v1/cases/{id}/persons', { params: { path: { id: caseId } } })),
    [caseId],
  );
  const [adding, setAdding] = useState(false);
  const changed = () => {
    persons.reload();
    props.onChanged();
  };
  return (
    <Section
      title="Persons"
      id="cs-persons"
      actions={
        props.powers.write ? (
          <button
            type="button"
            aria-expanded={adding}
            aria-controls="cs-person-form"
            onClick={() => setAdding((was) => !was)}
          >
            Add person
          </button>
        ) : undefined
      }
    >
      <p className="hint">
        Suspects and victims under aliases. A victim’s personal data is sealed: it opens only for
        members a lead granted access to, and every opening is recorded in the chain of custody.
      </p>
      {adding && (
        <AddPerson
          caseId={caseId}
          onDone={() => {
            setAdding(false);
            changed();
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      <View result={persons.result} retry={persons.reload} rows={3}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>
              <p>No suspects or victims recorded yet.</p>
            </Empty>
          ) : (
            <ul className="cs-list">
              {data.items.map((person) => (
                <PersonRow
                  key={person.id}
                  caseId={caseId}
                  person={person}
                  powers={props.powers}
                  onChanged={changed}
                />
              ))}
            </ul>
          )
        }
      </View>
    </Section>
  );
}

function sealedState(person: Person) {
  if (person.victimData === 'sealed') return <Badge tone="info">Personal data sealed</Badge>;
  if (person.victimData === 'destroyed')
    return (
      <span>
        <Badge tone="medium">Personal data destroyed</Badge>
        {person.shreddedAt !== undefined && (
          <span className="cs-small muted">
            {' '}
            <Time at={person.shreddedAt} />
          </span>
        )}
      </span>
    );
  return <span className="cs-small muted">No personal data</span>;
}

function PersonRow(props: {
  readonly caseId: string;
  readonly person: Person;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const { person } = props;
  const victim = person.kind === 'victim';
  return (
    <li className="cs-person">
      <div className="cs-person-head">
        <Badge tone={victim ? 'medium' : 'high'}>{victim ? 'Victim' : 'Suspect'}</Badge>
        <strong className="cs-person-label">{person.label}</strong>
        {victim && sealedState(person)}
      </div>
      <dl className="cs-person-facts">
        <div>
          <dt>Identifiers</dt>
          <dd>
            {person.identifiers.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              person.identifiers.map((identifier) => (
                <a key={identifier} className="cs-chip" href={href('identifiers', identifier)}>
                  {identifier}
                </a>
              ))
            )}
          </dd>
        </div>
        <div>
          <dt>Items</dt>
          <dd>
            {person.itemIds.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              person.itemIds.map((id) => (
                <a key={id} className="cs-chip" href={href('items', id)}>
                  {id}
                </a>
              ))
            )}
          </dd>
        </div>
        <div>
          <dt>Added</dt>
          <dd>
            <Time at={person.createdAt} /> by <code>{person.createdBy}</code>
          </dd>
        </div>
      </dl>
      {victim && person.victimData !== 'none' && (
        <VictimRecord
          caseId={props.caseId}
          person={person}
          powers={props.powers}
          onChanged={props.onChanged}
        />
      )}
    </li>
  );
}

// ---------------------------------------------------------------------------------------------
// Opening and destroying a victim's personal data

type Opened =
  | { readonly state: 'shown'; readonly data: Record<string, unknown> }
  | { readonly state: 'refused'; readonly detail: string }
  | { readonly state: 'destroyed'; readonly detail: string };

function VictimRecord(props: {
  readonly caseId: string;
  readonly person: Person;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const { caseId, person } = props;
  // The opened data: this component's state only, dropped by "Hide" and on unmount.
  const [opened, setOpened] = useState<Opened | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [destroyed, setDestroyed] = useState(false);
  const regionId = `cs-victim-${person.id}`;
  const open = useAction(async () => {
    const result = await api.GET('/v1/cases/{id}/persons/{personId}/victim-data', {
      params: { path: { id: caseId, personId: person.id } },
      // Personal data is never kept by the browser's cache either.
      cache: 'no-store',
    });
    try {
      const got = must(result);
      setOpened({ state: 'shown', data: got.data });
      // The opening is on the case's timeline now.
      props.onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 403) {
        setOpened({ state: 'refused', detail: error.problem.detail });
      } else if (error instanceof ApiError && error.problem.status === 410) {
        setOpened({ state: 'destroyed', detail: error.problem.detail });
        props.onChanged();
      } else throw error;
    }
  });
  const shred = useAction(async () => {
    must(
      await api.POST('/v1/cases/{id}/persons/{personId}/shred', {
        params: { path: { id: caseId, personId: person.id } },
      }),
    );
    setOpened(undefined);
    setConfirming(false);
    setDestroyed(true);
    props.onChanged();
  });
  return (
    <div className="cs-victim">
      <div className="cs-buttons">
        {opened?.state === 'shown' ? (
          <button type="button" aria-controls={regionId} onClick={() => setOpened(undefined)}>
            Hide personal data
          </button>
        ) : (
          <button
            type="button"
            disabled={open.pending}
            aria-controls={regionId}
            aria-label={`Show personal data of ${person.label}`}
            onClick={() => void open.act()}
          >
            Show personal data
          </button>
        )}
        {props.powers.manage && person.victimData === 'sealed' && (
          <button
            type="button"
            className="danger"
            aria-label={`Destroy personal data of ${person.label}`}
            onClick={() => setConfirming(true)}
          >
            Destroy personal data
          </button>
        )}
      </div>
      <ActionError error={open.error} />
      <p role="status" className="cs-small cs-status">
        {destroyed
          ? 'The personal data was destroyed; the destruction is in the chain of custody.'
          : ''}
      </p>
      <div id={regionId} aria-live="polite">
        {opened?.state === 'refused' && (
          <div className="cs-notice" role="alert">
            <p>
              <strong>You have no access to this victim’s personal data.</strong> Only members a
              lead of this case granted access to can open it (“Victim data access”, leads and
              admins need a grant too). Ask a lead of the case.
            </p>
            <p className="cs-small">{opened.detail}</p>
          </div>
        )}
        {opened?.state === 'destroyed' && (
          <div className="cs-notice" role="alert">
            <p>
              <strong>This victim’s personal data was destroyed.</strong> Its key was shredded; it
              cannot be recovered by anyone.
            </p>
            <p className="cs-small">{opened.detail}</p>
          </div>
        )}
        {opened?.state === 'shown' && (
          <section className="cs-victim-data" aria-label={`Personal data of ${person.label}`}>
            <p className="cs-small">
              Opening this record was recorded in the chain of custody (an “accessed” event under
              your name). Hide it when you are done.
            </p>
            <VictimDataView data={opened.data} />
          </section>
        )}
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Destroy the personal data of ${person.label}?`}
          confirmLabel="Destroy for good"
          pending={shred.pending}
          error={shred.error}
          onConfirm={() => void shred.act()}
          onCancel={() => {
            shred.clearError();
            setConfirming(false);
          }}
        >
          <p>
            The key of this record is shredded: nobody, including you, the admins or a court, can
            ever open it again. The person stays in the case under their alias, and the destruction
            is recorded in the chain of custody (a “disposed” event).
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The opened record in words; fields the console does not know are shown as they came. */
function VictimDataView(props: { readonly data: Record<string, unknown> }) {
  const data = props.data;
  const rows: { readonly label: string; readonly value: string }[] = [];
  const known = new Set<string>();
  const add = (key: string, label: string, format: (value: unknown) => string[]) => {
    known.add(key);
    if (data[key] === undefined) return;
    const values = format(data[key]).filter((value) => value !== '');
    if (values.length > 0) rows.push({ label, value: values.join('\n') });
  };
  add('names', 'Names', (v) => list(v).map(text));
  add('contact', 'Contact', (v) =>
    list(v).map((c) => {
      const contact = record(c);
      const kind = text(contact.kind ?? '');
      return `${CONTACT_KINDS[kind as ContactKind] ?? kind}: ${text(contact.value ?? '')}`;
    }),
  );
  add('nationality', 'Nationality', (v) => [list(v).map(text).join(', ')]);
  add('identityDocuments', 'Identity documents', (v) =>
    list(v).map((d) => {
      const doc = record(d);
      return [
        text(doc.type ?? ''),
        text(doc.number ?? ''),
        doc.issuer !== undefined ? `issued by ${text(doc.issuer)}` : '',
        doc.expires !== undefined ? `expires ${text(doc.expires)}` : '',
      ]
        .filter((part) => part !== '')
        .join(' · ');
    }),
  );
  add('health', 'Health', (v) => [text(v)]);
  add('immigrationStatus', 'Immigration status', (v) => [text(v)]);
  add('referrals', 'Support referrals', (v) =>
    list(v).map((r) => {
      const referral = record(r);
      const kind = text(referral.kind ?? '');
      return [
        REFERRAL_KINDS[kind as ReferralKind] ?? kind,
        referral.to !== undefined ? `to ${text(referral.to)}` : '',
        referral.note !== undefined ? text(referral.note) : '',
        referral.consent === true ? '(consent given)' : '',
      ]
        .filter((part) => part !== '')
        .join(' · ');
    }),
  );
  add('protectiveMeasures', 'Protective measures', (v) =>
    list(v).map((m) => {
      const measure = record(m);
      const kind = text(measure.kind ?? '');
      return [
        MEASURE_KINDS[kind as MeasureKind] ?? kind,
        measure.note !== undefined ? text(measure.note) : '',
        measure.consent === true ? '(consent given)' : '',
      ]
        .filter((part) => part !== '')
        .join(' · ');
    }),
  );
  for (const [key, value] of Object.entries(data)) {
    if (!known.has(key) && value !== undefined) rows.push({ label: key, value: text(value) });
  }
  if (rows.length === 0) return <p className="muted">The record is empty.</p>;
  return (
    <dl className="cs-victim-fields">
      {rows.map((row) => (
        <div key={row.label}>
          <dt>{row.label}</dt>
          <dd className="cs-text">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A modal confirmation (the native <dialog>): focus moves in, Escape cancels, focus returns. */
export function ConfirmDialog(props: {
  readonly title: string;
  readonly confirmLabel: string;
  readonly pending: boolean;
  readonly error: unknown;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`cs-dialog-${Math.random().toString(36).slice(2)}`).current;
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      if (dialog?.open) dialog.close();
      // Back to the button that opened it, unless that button went away with the action.
      if (before?.isConnected) before.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="cs-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h4 id={titleId} className="cs-dialog-title">
        {props.title}
      </h4>
      {props.children}
      <ActionError error={props.error} />
      <div className="cs-buttons">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={props.pending} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// Adding a person

interface Referral {
  kind: ReferralKind | '';
  to: string;
  note: string;
  consent: boolean;
}
interface Measure {
  kind: MeasureKind | '';
  note: string;
  consent: boolean;
}
interface Personal {
  names: string;
  contactKind: ContactKind;
  contactValue: string;
  nationality: string;
  docType: string;
  docNumber: string;
  docIssuer: string;
  health: string;
  immigration: string;
  referral: Referral;
  measure: Measure;
}

const NO_PERSONAL: Personal = {
  names: '',
  contactKind: 'phone',
  contactValue: '',
  nationality: '',
  docType: '',
  docNumber: '',
  docIssuer: '',
  health: '',
  immigration: '',
  referral: { kind: '', to: '', note: '', consent: false },
  measure: { kind: '', note: '', consent: false },
};

/** The sealed part of a new victim, or undefined when nothing was filled in. */
function victimDataOf(p: Personal): VictimData | undefined {
  const names = linesOf(p.names);
  const nationality = linesOf(p.nationality.replaceAll(',', '\n'));
  const contact = p.contactValue.trim();
  const docFilled = [p.docType, p.docNumber, p.docIssuer].some((v) => v.trim() !== '');
  const out: VictimData = {
    ...(names.length > 0 && { names }),
    ...(contact !== '' && { contact: [{ kind: p.contactKind, value: contact }] }),
    ...(nationality.length > 0 && { nationality }),
    ...(docFilled && {
      identityDocuments: [
        {
          type: p.docType.trim(),
          number: p.docNumber.trim(),
          ...(p.docIssuer.trim() !== '' && { issuer: p.docIssuer.trim() }),
        },
      ],
    }),
    ...(p.health.trim() !== '' && { health: p.health.trim() }),
    ...(p.immigration.trim() !== '' && { immigrationStatus: p.immigration.trim() }),
    ...(p.referral.kind !== '' && {
      referrals: [
        {
          kind: p.referral.kind,
          ...(p.referral.to.trim() !== '' && { to: p.referral.to.trim() }),
          ...(p.referral.note.trim() !== '' && { note: p.referral.note.trim() }),
          consent: true as const,
        },
      ],
    }),
    ...(p.measure.kind !== '' && {
      protectiveMeasures: [
        {
          kind: p.measure.kind,
          ...(p.measure.note.trim() !== '' && { note: p.measure.note.trim() }),
          consent: true as const,
        },
      ],
    }),
  };
  return Object.keys(out).length === 0 ? undefined : out;
}

function AddPerson(props: {
  readonly caseId: string;
  readonly onDone: () => void;
  readonly onCancel: () => void;
}) {
  const [kind, setKind] = useState<'suspect' | 'victim'>('suspect');
  const [label, setLabel] = useState('');
  const [identifiers, setIdentifiers] = useState('');
  const [itemIds, setItemIds] = useState('');
  const [sealedOpen, setSealedOpen] = useState(false);
  // Typed personal data stays in this form's state only, and is cleared once sent.
  const [personal, setPersonal] = useState<Personal>(NO_PERSONAL);
  const set = (change: Partial<Personal>) => setPersonal((was) => ({ ...was, ...change }));
  const add = useAction(async () => {
    const ids = idsOf(itemIds);
    const found = linesOf(identifiers);
    const sealed = kind === 'victim' && sealedOpen ? victimDataOf(personal) : undefined;
    must(
      await api.POST('/v1/cases/{id}/persons', {
        params: { path: { id: props.caseId } },
        body: {
          kind,
          label: label.trim(),
          ...(ids.length > 0 && { itemIds: ids }),
          ...(found.length > 0 && { identifiers: found }),
          ...(sealed !== undefined && { victimData: sealed }),
        },
      }),
    );
    setPersonal(NO_PERSONAL);
    props.onDone();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.act();
  };
  const doc = [personal.docType, personal.docNumber, personal.docIssuer].some(
    (v) => v.trim() !== '',
  );
  return (
    <form
      id="cs-person-form"
      className="cs-form cs-subform"
      onSubmit={submit}
      aria-labelledby="cs-person-form-h"
    >
      <h4 id="cs-person-form-h" className="cs-h4">
        Add a suspect or victim
      </h4>
      <fieldset className="cs-fieldset cs-radios">
        <legend>Suspect or victim</legend>
        {(['suspect', 'victim'] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="cs-person-kind"
              value={value}
              checked={kind === value}
              onChange={() => setKind(value)}
            />{' '}
            {value === 'suspect' ? 'Suspect' : 'Victim'}
          </label>
        ))}
      </fieldset>
      <Field
        label="Label"
        id="cs-person-label"
        hint="An alias such as “V-1” or “Driver”: never a real name. Real names go in the sealed personal data."
      >
        <input
          id="cs-person-label"
          required
          maxLength={200}
          autoComplete="off"
          value={label}
          onChange={(event) => setLabel(event.target.value)}
        />
      </Field>
      <div className="cs-row cs-row-even">
        <Field
          label="Identifiers"
          id="cs-person-identifiers"
          hint="Phone numbers, handles, addresses as found; one a line."
        >
          <textarea
            id="cs-person-identifiers"
            autoComplete="off"
            value={identifiers}
            onChange={(event) => setIdentifiers(event.target.value)}
          />
        </Field>
        <Field label="Item ids" id="cs-person-items" hint="Separated by spaces or commas.">
          <textarea
            id="cs-person-items"
            autoComplete="off"
            value={itemIds}
            onChange={(event) => setItemIds(event.target.value)}
          />
        </Field>
      </div>
      {kind === 'victim' && (
        <div className="cs-sealed">
          <button
            type="button"
            className="cs-disclosure"
            aria-expanded={sealedOpen}
            aria-controls="cs-sealed-fields"
            onClick={() => setSealedOpen((was) => !was)}
          >
            {sealedOpen ? '▾' : '▸'} Personal data (sealed)
          </button>
          {!sealedOpen && (
            <p className="hint">Optional. Nothing personal is sent while this is closed.</p>
          )}
          {sealedOpen && (
            <fieldset id="cs-sealed-fields" className="cs-fieldset">
              <legend>Personal data (sealed)</legend>
              <p className="hint">
                Encrypted on the server under its own key; only members granted access can open it,
                and each opening is recorded. Fill in only what the case needs.
              </p>
              <Field label="Names" id="cs-v-names" hint="One a line.">
                <textarea
                  id="cs-v-names"
                  autoComplete="off"
                  value={personal.names}
                  onChange={(event) => set({ names: event.target.value })}
                />
              </Field>
              <div className="cs-row cs-row-narrow-first">
                <Field label="Contact kind" id="cs-v-contact-kind">
                  <select
                    id="cs-v-contact-kind"
                    value={personal.contactKind}
                    onChange={(event) => set({ contactKind: event.target.value as ContactKind })}
                  >
                    {Object.entries(CONTACT_KINDS).map(([value, name]) => (
                      <option key={value} value={value}>
                        {name}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Contact" id="cs-v-contact">
                  <input
                    id="cs-v-contact"
                    autoComplete="off"
                    value={personal.contactValue}
                    onChange={(event) => set({ contactValue: event.target.value })}
                  />
                </Field>
              </div>
              <Field label="Nationality" id="cs-v-nationality" hint="Separated by commas.">
                <input
                  id="cs-v-nationality"
                  autoComplete="off"
                  value={personal.nationality}
                  onChange={(event) => set({ nationality: event.target.value })}
                />
              </Field>
              <fieldset className="cs-fieldset">
                <legend>Identity document</legend>
                <div className="cs-row cs-row-three">
                  <Field label="Document type" id="cs-v-doc-type">
                    <input
                      id="cs-v-doc-type"
                      autoComplete="off"
                      required={doc}
                      value={personal.docType}
                      onChange={(event) => set({ docType: event.target.value })}
                    />
                  </Field>
                  <Field label="Document number" id="cs-v-doc-number">
                    <input
                      id="cs-v-doc-number"
                      autoComplete="off"
                      required={doc}
                      value={personal.docNumber}
                      onChange={(event) => set({ docNumber: event.target.value })}
                    />
                  </Field>
                  <Field label="Issuer" id="cs-v-doc-issuer">
                    <input
                      id="cs-v-doc-issuer"
                      autoComplete="off"
                      value={personal.docIssuer}
                      onChange={(event) => set({ docIssuer: event.target.value })}
                    />
                  </Field>
                </div>
              </fieldset>
              <div className="cs-row cs-row-even">
                <Field label="Health" id="cs-v-health">
                  <textarea
                    id="cs-v-health"
                    autoComplete="off"
                    value={personal.health}
                    onChange={(event) => set({ health: event.target.value })}
                  />
                </Field>
                <Field label="Immigration status" id="cs-v-immigration">
                  <input
                    id="cs-v-immigration"
                    autoComplete="off"
                    value={personal.immigration}
                    onChange={(event) => set({ immigration: event.target.value })}
                  />
                </Field>
              </div>
              <fieldset className="cs-fieldset">
                <legend>Support referral</legend>
                <div className="cs-row cs-row-even">
                  <Field label="Referral to" id="cs-v-ref-kind">
                    <select
                      id="cs-v-ref-kind"
                      value={personal.referral.kind}
                      onChange={(event) =>
                        set({
                          referral: {
                            ...personal.referral,
                            kind: event.target.value as ReferralKind | '',
                          },
                        })
                      }
                    >
                      <option value="">No referral</option>
                      {Object.entries(REFERRAL_KINDS).map(([value, name]) => (
                        <option key={value} value={value}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field label="Service or organisation" id="cs-v-ref-to">
                    <input
                      id="cs-v-ref-to"
                      autoComplete="off"
                      disabled={personal.referral.kind === ''}
                      value={personal.referral.to}
                      onChange={(event) =>
                        set({ referral: { ...personal.referral, to: event.target.value } })
                      }
                    />
                  </Field>
                </div>
                <Field label="Referral note" id="cs-v-ref-note">
                  <input
                    id="cs-v-ref-note"
                    autoComplete="off"
                    disabled={personal.referral.kind === ''}
                    value={personal.referral.note}
                    onChange={(event) =>
                      set({ referral: { ...personal.referral, note: event.target.value } })
                    }
                  />
                </Field>
                <label className="cs-check">
                  <input
                    type="checkbox"
                    required={personal.referral.kind !== ''}
                    disabled={personal.referral.kind === ''}
                    checked={personal.referral.consent}
                    onChange={(event) =>
                      set({ referral: { ...personal.referral, consent: event.target.checked } })
                    }
                  />{' '}
                  The victim consents to this referral (required)
                </label>
              </fieldset>
              <fieldset className="cs-fieldset">
                <legend>Protective measure</legend>
                <div className="cs-row cs-row-even">
                  <Field label="Measure" id="cs-v-measure-kind">
                    <select
                      id="cs-v-measure-kind"
                      value={personal.measure.kind}
                      onChange={(event) =>
                        set({
                          measure: {
                            ...personal.measure,
                            kind: event.target.value as MeasureKind | '',
                          },
                        })
                      }
                    >
                      <option value="">No measure</option>
                      {Object.entries(MEASURE_KINDS).map(([value, name]) => (
                        <option key={value} value={value}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field label="Measure note" id="cs-v-measure-note">
                    <input
                      id="cs-v-measure-note"
                      autoComplete="off"
                      disabled={personal.measure.kind === ''}
                      value={personal.measure.note}
                      onChange={(event) =>
                        set({ measure: { ...personal.measure, note: event.target.value } })
                      }
                    />
                  </Field>
                </div>
                <label className="cs-check">
                  <input
                    type="checkbox"
                    required={personal.measure.kind !== ''}
                    disabled={personal.measure.kind === ''}
                    checked={personal.measure.consent}
                    onChange={(event) =>
                      set({ measure: { ...personal.measure, consent: event.target.checked } })
                    }
                  />{' '}
                  The victim consents to this measure (required)
                </label>
              </fieldset>
            </fieldset>
          )}
        </div>
      )}
      <ActionError error={add.error} />
      <div className="cs-buttons">
        <button type="submit" className="primary" disabled={add.pending || label.trim() === ''}>
          {kind === 'victim' ? 'Add victim' : 'Add suspect'}
        </button>
        <button
          type="button"
          onClick={() => {
            setPersonal(NO_PERSONAL);
            props.onCancel();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Grants (leads)

/** Who holds a grant to open the case's victim data (a grant ends with membership). */
async function grantsOf(caseId: string): Promise<Set<string>> {
  const got = must(await api.GET('/v1/cases/{id}/grants', { params: { path: { id: caseId } } }));
  return new Set(got.items.map((grant) => grant.accountId));
}

export function VictimAccess(props: {
  readonly data: CaseDetail;
  readonly round: number;
  readonly onChanged: () => void;
}) {
  const session = useSession();
  const caseId = props.data.case.id;
  const grants = useQuery(() => grantsOf(caseId), [caseId, props.round]);
  const [chosen, setChosen] = useState('');
  const grant = useAction(async (accountId: string) => {
    must(
      await api.POST('/v1/cases/{id}/grants', {
        params: { path: { id: caseId } },
        body: { accountId },
      }),
    );
    setChosen('');
    props.onChanged();
  });
  const revoke = useAction(async (accountId: string) => {
    must(
      await api.DELETE('/v1/cases/{id}/grants/{accountId}', {
        params: { path: { id: caseId, accountId } },
      }),
    );
    props.onChanged();
  });
  const members = props.data.members;
  return (
    <Section title="Victim data access" id="cs-grants">
      <p className="hint">
        Members granted access can open victims’ personal data; leads and admins need a grant too.
        Each opening is recorded in the chain of custody.
      </p>
      <View result={grants.result} retry={grants.reload} rows={2}>
        {(granted) => {
          const holders = members.filter((member) => granted.has(member.accountId));
          const others = members.filter((member) => !granted.has(member.accountId));
          const pick = others.some((member) => member.accountId === chosen)
            ? chosen
            : (others[0]?.accountId ?? '');
          return (
            <>
              {holders.length === 0 ? (
                <Empty>
                  <p>Nobody can open victims’ personal data.</p>
                </Empty>
              ) : (
                <ul className="cs-list" aria-label="Members with access">
                  {holders.map((member) => (
                    <li key={member.accountId} className="cs-member">
                      <span>
                        <code>{member.accountId}</code>
                        {member.accountId === session.account.id && (
                          <span className="muted"> (you)</span>
                        )}{' '}
                        <span className="muted">({ROLE_LABEL[member.role]})</span>
                      </span>
                      <button
                        type="button"
                        className="link"
                        disabled={revoke.pending}
                        aria-label={`Withdraw victim data access from ${member.accountId}`}
                        onClick={() => void revoke.act(member.accountId)}
                      >
                        Withdraw
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <ActionError error={revoke.error} />
              {others.length > 0 && (
                <form
                  className="cs-form"
                  aria-label="Grant victim data access"
                  onSubmit={(event) => {
                    event.preventDefault();
                    if (pick !== '') void grant.act(pick);
                  }}
                >
                  <Field label="Grant access to" id="cs-grant-member">
                    <select
                      id="cs-grant-member"
                      value={pick}
                      onChange={(event) => setChosen(event.target.value)}
                    >
                      {others.map((member) => (
                        <option key={member.accountId} value={member.accountId}>
                          {`${member.accountId}${member.accountId === session.account.id ? ' (you)' : ''} (${ROLE_LABEL[member.role]})`}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <ActionError error={grant.error} />
                  <button type="submit" disabled={grant.pending || pick === ''}>
                    Grant access
                  </button>
                </form>
              )}
            </>
          );
        }}
      </View>
    </Section>
  );
}
