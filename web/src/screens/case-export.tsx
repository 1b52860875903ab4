/**
 * The court package of a case (POST /v1/cases/:id/exports): a zip of the case's evidence bundle
 * with case-report.html sealed inside, downloaded as a file. Victims appear by number only,
 * unless a lead holding a grant includes their personal data under a stated authorization.
 */
import { type FormEvent, useState } from 'react';
import { api, must } from '../api/client.js';
import { useAction } from '../api/hooks.js';
import { ActionError, Field } from '../ui/kit.js';
import { type Powers, Section, saveBlob } from './case-kit.js';

export function CourtPackage(props: {
  readonly caseId: string;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const { caseId } = props;
  const [purpose, setPurpose] = useState('');
  const [recipient, setRecipient] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [withVictims, setWithVictims] = useState(false);
  const [authorization, setAuthorization] = useState('');
  const [done, setDone] = useState<string | undefined>(undefined);
  const fileName = `court-package-${caseId.replace(/[^A-Za-z0-9_-]/g, '_')}.zip`;
  const exportPackage = useAction(async () => {
    setDone(undefined);
    const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
    const blob = must(
      await api.POST('/v1/cases/{id}/exports', {
        params: { path: { id: caseId } },
        body: {
          ...(optional(purpose) !== undefined && { purpose: optional(purpose) }),
          ...(optional(recipient) !== undefined && { recipient: optional(recipient) }),
          ...(optional(legalBasis) !== undefined && { legalBasis: optional(legalBasis) }),
          ...(withVictims && { victimData: { authorization: authorization.trim() } }),
        },
        parseAs: 'blob',
      }),
    );
    saveBlob(blob, fileName);
    setDone(
      `Downloaded ${fileName}. The export is recorded in the chain of custody${
        recipient.trim() === '' ? '' : `, naming ${recipient.trim()} as recipient`
      }.`,
    );
    props.onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void exportPackage.act();
  };
  return (
    <Section title="Court package" id="cs-export">
      <p className="hint">
        A zip of the case’s sealed evidence with a printable report (<code>case-report.html</code>)
        listing every exhibit, its hashes and chain of custody. Victims appear as “Victim 1”,
        “Victim 2”… with no label, identifiers or personal data unless included below. Anyone can
        check every byte offline: <code>vigil verify court-package.zip --key log.pub</code>.
      </p>
      {props.powers.write ? (
        <form className="cs-form" onSubmit={submit} aria-label="Export court package">
          <Field label="Purpose" id="cs-export-purpose">
            <input
              id="cs-export-purpose"
              maxLength={500}
              value={purpose}
              onChange={(event) => setPurpose(event.target.value)}
            />
          </Field>
          <div className="cs-row cs-row-even">
            <Field label="Recipient" id="cs-export-recipient" hint="Court, prosecutor or agency.">
              <input
                id="cs-export-recipient"
                maxLength={500}
                value={recipient}
                onChange={(event) => setRecipient(event.target.value)}
              />
            </Field>
            <Field label="Legal basis" id="cs-export-basis">
              <input
                id="cs-export-basis"
                maxLength={500}
                value={legalBasis}
                onChange={(event) => setLegalBasis(event.target.value)}
              />
            </Field>
          </div>
          {props.powers.manage && (
            <>
              <label className="cs-check">
                <input
                  type="checkbox"
                  checked={withVictims}
                  aria-controls={withVictims ? 'cs-export-victims' : undefined}
                  onChange={(event) => setWithVictims(event.target.checked)}
                />{' '}
                Include victim personal data
              </label>
              {withVictims && (
                <div id="cs-export-victims" className="cs-warning">
                  <p>
                    <strong>Warning:</strong> the package will hold victims’ names, contacts,
                    documents and health data in the clear. Include them only under a court order or
                    the victim’s consent, and only for this recipient. You need a victim data grant;
                    every record opened is recorded in the chain of custody.
                  </p>
                  <Field
                    label="Authorization"
                    id="cs-export-authorization"
                    hint="The court order or consent allowing the disclosure; it is stated in the report."
                  >
                    <input
                      id="cs-export-authorization"
                      required
                      maxLength={500}
                      value={authorization}
                      onChange={(event) => setAuthorization(event.target.value)}
                    />
                  </Field>
                </div>
              )}
            </>
          )}
          <ActionError error={exportPackage.error} />
          <p role="status" className="cs-small cs-status">
            {exportPackage.pending ? 'Preparing the court package…' : (done ?? '')}
          </p>
          <button
            type="submit"
            className="primary"
            disabled={exportPackage.pending || (withVictims && authorization.trim() === '')}
          >
            Export court package
          </button>
        </form>
      ) : (
        <p className="muted">Observers cannot export the case.</p>
      )}
    </Section>
  );
}
