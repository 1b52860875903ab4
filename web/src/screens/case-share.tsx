/**
 * Sharing a case with a partner (POST /v1/share/exports): leads choose a confirmed partner, an
 * agreement with it, the purpose, what to include and the markings. The agreement decides
 * (denied by default, redacted to what it allows; a refusal names the clause). A partner with an
 * instance URL gets the package delivered; otherwise it is downloaded (`.vshare`) to hand over.
 */
import { type FormEvent, useState } from 'react';
import { api, must } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { href } from '../router.js';
import { Field, View } from '../ui/kit.js';
import { Section, saveBlob } from './case-kit.js';
import {
  fetchAgreements,
  fetchPartners,
  PAP_LEVELS,
  PARTS,
  type Part,
  PURPOSES,
  type Purpose,
  readAgreement,
  type SharePap,
  ShareProblem,
  type ShareTlp,
  TLP_LEVELS,
} from './share-kit.js';

export function CaseShare(props: { readonly caseId: string; readonly tlp: ShareTlp }) {
  const data = useQuery(async () => {
    const [partners, agreements] = await Promise.all([fetchPartners(), fetchAgreements()]);
    return {
      partners: partners.filter((partner) => partner.confirmedAt !== undefined),
      agreements: agreements.map(readAgreement),
    };
  }, []);
  return (
    <Section title="Share with a partner" id="cs-share">
      <p className="hint">
        A signed, encrypted package for a partner organisation, under a data-sharing agreement
        recorded in Sharing. The agreement decides what may leave: anything it does not allow is
        refused, naming the clause. <strong>Victim data is never included</strong> unless the
        agreement names the category victim-data: victims’ names become “[victim 1]”… and
        identifiers linked to them are removed.
      </p>
      <View result={data.result} retry={data.reload} rows={2}>
        {({ partners, agreements }) =>
          partners.length === 0 ? (
            <p className="muted">
              No confirmed partner yet. An administrator registers partners and confirms their keys
              in <a href={href('sharing')}>Sharing</a>.
            </p>
          ) : (
            <ShareForm
              caseId={props.caseId}
              caseTlp={props.tlp}
              partners={partners}
              agreements={agreements}
            />
          )
        }
      </View>
    </Section>
  );
}

function ShareForm(props: {
  readonly caseId: string;
  readonly caseTlp: ShareTlp;
  readonly partners: Awaited<ReturnType<typeof fetchPartners>>;
  readonly agreements: readonly ReturnType<typeof readAgreement>[];
}) {
  const { caseId, partners } = props;
  const [to, setTo] = useState(partners[0]?.org ?? '');
  const [agreementId, setAgreementId] = useState('');
  const [purpose, setPurpose] = useState<Purpose>('investigation');
  const [parts, setParts] = useState<readonly Part[]>(['evidence', 'indicators', 'summary']);
  const [tlp, setTlp] = useState<ShareTlp>(props.caseTlp);
  const [pap, setPap] = useState<SharePap | ''>('');
  const [done, setDone] = useState<string | undefined>(undefined);
  const partner = partners.find((p) => p.org === to);
  // The agreements that name the partner (or whose parties cannot be read: the server decides).
  const agreements = props.agreements.filter(
    (a) => a.parties.length === 0 || a.parties.some((party) => party.org === to),
  );
  const chosen = agreements.some((a) => a.id === agreementId) ? agreementId : '';
  const send = partner?.url !== undefined;

  const share = useAction(async () => {
    setDone(undefined);
    const body = {
      caseId,
      to,
      agreementId: chosen,
      purpose,
      include: [...parts],
      tlp,
      ...(pap !== '' && { pap }),
    };
    if (send) {
      const record = must(await api.POST('/v1/share/exports', { body: { ...body, send: true } }));
      setDone(
        `Delivered package ${record.id} to ${partner?.name ?? to} (status: ${record.status}). The transfer is recorded in the chain of custody.`,
      );
      return;
    }
    const result = await api.POST('/v1/share/exports', { body, parseAs: 'blob' });
    const blob = must(result) as unknown as Blob;
    const disposition = result.response.headers.get('content-disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `share-${caseId}.vshare`;
    saveBlob(blob, name);
    setDone(
      `Downloaded ${name}, encrypted to ${partner?.name ?? to}. Hand it over as agreed; the export is recorded in the chain of custody.`,
    );
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void share.act();
  };

  return (
    <form className="cs-form" onSubmit={submit} aria-label="Share with a partner">
      <div className="cs-row cs-row-even">
        <Field label="Partner" id="cs-share-partner" hint="Confirmed partners only.">
          <select id="cs-share-partner" value={to} onChange={(event) => setTo(event.target.value)}>
            {partners.map((p) => (
              <option key={p.org} value={p.org}>
                {p.name} ({p.org})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Agreement" id="cs-share-agreement">
          <select
            id="cs-share-agreement"
            required
            value={chosen}
            onChange={(event) => setAgreementId(event.target.value)}
          >
            <option value="">
              {agreements.length === 0 ? 'No agreement with this partner' : 'Choose…'}
            </option>
            {agreements.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title === undefined ? a.id : `${a.id}: ${a.title}`}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Purpose" id="cs-share-purpose">
        <select
          id="cs-share-purpose"
          value={purpose}
          onChange={(event) => setPurpose(event.target.value as Purpose)}
        >
          {PURPOSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="sh-fieldset">
        <legend>Include</legend>
        {PARTS.map(([value, label, what]) => (
          <label key={value} className="sh-option">
            <input
              type="checkbox"
              checked={parts.includes(value)}
              onChange={(event) =>
                setParts((was) =>
                  event.target.checked
                    ? PARTS.map(([p]) => p).filter((p) => p === value || was.includes(p))
                    : was.filter((p) => p !== value),
                )
              }
            />
            <span>
              {label} <span className="muted cs-small">({what})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="cs-row cs-row-even">
        <Field label="Marking (TLP)" id="cs-share-tlp" hint="The case’s marking by default.">
          <select
            id="cs-share-tlp"
            value={tlp}
            onChange={(event) => setTlp(event.target.value as ShareTlp)}
          >
            {TLP_LEVELS.map((value) => (
              <option key={value} value={value}>
                TLP:{value.toUpperCase()}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Permissible actions (PAP)" id="cs-share-pap">
          <select
            id="cs-share-pap"
            value={pap}
            onChange={(event) => setPap(event.target.value as SharePap | '')}
          >
            <option value="">The agreement’s ceiling</option>
            {PAP_LEVELS.map((value) => (
              <option key={value} value={value}>
                PAP:{value.toUpperCase()}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <p className="cs-small muted">
        {send
          ? `Delivered to ${partner?.url} when allowed.`
          : 'This partner has no instance URL: the package is downloaded as a .vshare file.'}
      </p>
      <ShareProblem error={share.error} />
      <p role="status" className="cs-small cs-status">
        {share.pending ? 'Preparing the package…' : (done ?? '')}
      </p>
      <button
        type="submit"
        className="primary"
        disabled={share.pending || chosen === '' || to === '' || parts.length === 0}
      >
        {send ? 'Share and deliver' : 'Share and download'}
      </button>
    </form>
  );
}
