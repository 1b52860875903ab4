/**
 * The evidence of a case (GET /v1/cases/:id/evidence): the sealed files with their SHA-256, and
 * online captures: a member asks for a page (POST …/captures, 202), a worker loads it in
 * headless Chromium and seals the WARC record, screenshot, HTML, headers and image metadata
 * into the case. While a capture waits or runs, the panel asks again every 2.5 s; it stops when
 * none does, and when the panel goes away.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, must, type paths } from '../api/client.js';
import { useAction, useQuery } from '../api/hooks.js';
import { ActionError, Badge, Empty, Field, Time, View } from '../ui/kit.js';
import { type Json, type Powers, Section, sizeText } from './case-kit.js';

type Evidence = Json<paths['/v1/cases/{id}/evidence']['get']['responses'][200]>;
type EvidenceFile = Evidence['items'][number];
type Capture = Evidence['captures'][number];

const POLL_MS = 2500;

const CAPTURE_STATE: Record<
  Capture['state'],
  { readonly label: string; readonly tone: 'info' | 'medium' | 'ok' | 'high' }
> = {
  waiting: { label: 'Waiting', tone: 'info' },
  running: { label: 'Running', tone: 'medium' },
  done: { label: 'Done', tone: 'ok' },
  failed: { label: 'Failed', tone: 'high' },
};

function busy(capture: Capture): boolean {
  return capture.state === 'waiting' || capture.state === 'running';
}

export function EvidencePanel(props: {
  readonly caseId: string;
  readonly powers: Powers;
  readonly onChanged: () => void;
}) {
  const { caseId } = props;
  const evidence = useQuery(
    async () =>
      must(await api.GET('/v1/cases/{id}/evidence', { params: { path: { id: caseId } } })),
    [caseId],
  );
  const result = evidence.result;
  const active = result.state === 'ready' ? result.data.captures.filter(busy).length : 0;
  const { reload } = evidence;
  useEffect(() => {
    if (active === 0) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [active, reload]);
  // When the last capture finishes, the case's timeline has news too.
  const before = useRef(active);
  const { onChanged } = props;
  useEffect(() => {
    if (before.current > 0 && active === 0) onChanged();
    before.current = active;
  }, [active, onChanged]);
  const [capturing, setCapturing] = useState(false);
  return (
    <Section
      title="Evidence"
      id="cs-evidence"
      actions={
        props.powers.write ? (
          <button
            type="button"
            aria-expanded={capturing}
            aria-controls="cs-capture-form"
            onClick={() => setCapturing((was) => !was)}
          >
            Capture a page
          </button>
        ) : undefined
      }
    >
      {capturing && (
        <CaptureForm
          caseId={caseId}
          onDone={() => {
            setCapturing(false);
            evidence.reload();
            props.onChanged();
          }}
          onCancel={() => setCapturing(false)}
        />
      )}
      <p className="visually-hidden" role="status">
        {active === 0
          ? ''
          : `${active} ${active === 1 ? 'capture is' : 'captures are'} in progress; the list updates by itself.`}
      </p>
      <View result={result} retry={evidence.reload} rows={3}>
        {(data) => (
          <>
            {data.items.length === 0 ? (
              <Empty>
                <p>No evidence is sealed into this case yet.</p>
              </Empty>
            ) : (
              <Files files={data.items} />
            )}
            {data.captures.length > 0 && <Captures captures={data.captures} />}
          </>
        )}
      </View>
    </Section>
  );
}

function Files(props: { readonly files: readonly EvidenceFile[] }) {
  return (
    <div className="cs-table">
      <table className="cs-evidence">
        <caption className="visually-hidden">Sealed evidence files, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Type</th>
            <th scope="col">Size</th>
            <th scope="col">SHA-256</th>
            <th scope="col">Sealed</th>
          </tr>
        </thead>
        <tbody>
          {props.files.map((file) => (
            <tr key={file.id}>
              <td className="cs-wrap">{file.name}</td>
              <td>
                <code className="cs-small">{file.mediaType}</code>
              </td>
              <td className="cs-nowrap">{sizeText(file.size)}</td>
              <td>
                <Hash value={file.sha256} name={file.name} />
              </td>
              <td>
                <Time at={file.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A hash shortened to 12 digits; the full value on hover, to screen readers, and to copy. */
function Hash(props: { readonly value: string; readonly name: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="cs-hash">
      <code title={props.value}>
        <span aria-hidden="true">{props.value.slice(0, 12)}…</span>
        <span className="visually-hidden">{props.value}</span>
      </code>
      <button
        type="button"
        className="link cs-small"
        aria-label={`Copy the SHA-256 of ${props.name}`}
        onClick={() => {
          void navigator.clipboard?.writeText(props.value).then(
            () => {
              setCopied(true);
              setTimeout(() => setCopied(false), 2000);
            },
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

function Captures(props: { readonly captures: readonly Capture[] }) {
  return (
    <>
      <h4 className="cs-h4">Capture requests</h4>
      <ul className="cs-list">
        {props.captures.map((capture) => {
          const state = CAPTURE_STATE[capture.state];
          return (
            <li key={capture.jobId} className="cs-capture">
              <div className="cs-link-main">
                <span className="cs-wrap">
                  <code>{capture.url}</code>
                </span>
                <span className="cs-small muted">
                  asked <Time at={capture.requestedAt} /> by <code>{capture.requestedBy}</code>
                  {capture.finishedAt !== undefined && (
                    <>
                      {' · '}finished <Time at={capture.finishedAt} />
                    </>
                  )}
                </span>
                {capture.error !== undefined && (
                  <span className="cs-small cs-error-text">{capture.error}</span>
                )}
              </div>
              <Badge tone={state.tone}>{state.label}</Badge>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function CaptureForm(props: {
  readonly caseId: string;
  readonly onDone: () => void;
  readonly onCancel: () => void;
}) {
  const [url, setUrl] = useState('');
  const [purpose, setPurpose] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const capture = useAction(async () => {
    must(
      await api.POST('/v1/cases/{id}/captures', {
        params: { path: { id: props.caseId } },
        body: {
          url: url.trim(),
          ...(purpose.trim() !== '' && { purpose: purpose.trim() }),
          ...(legalBasis.trim() !== '' && { legalBasis: legalBasis.trim() }),
        },
      }),
    );
    props.onDone();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void capture.act();
  };
  return (
    <form
      id="cs-capture-form"
      className="cs-form cs-subform"
      onSubmit={submit}
      aria-labelledby="cs-capture-h"
    >
      <h4 id="cs-capture-h" className="cs-h4">
        Capture a web page
      </h4>
      <p className="hint">
        A worker loads the page in a headless browser and seals its WARC record, a full-page
        screenshot, the HTML, the response headers and the images’ metadata into this case, with the
        time and the resolved address in the chain of custody.
      </p>
      <Field label="Page address (URL)" id="cs-capture-url">
        <input
          id="cs-capture-url"
          type="url"
          required
          maxLength={2000}
          autoComplete="off"
          placeholder="https://"
          value={url}
          // biome-ignore lint/a11y/noAutofocus: the form opens on request; its first field takes focus.
          autoFocus
          onChange={(event) => setUrl(event.target.value)}
        />
      </Field>
      <div className="cs-row cs-row-even">
        <Field label="Purpose" id="cs-capture-purpose" hint="Why the page is preserved.">
          <input
            id="cs-capture-purpose"
            maxLength={500}
            value={purpose}
            onChange={(event) => setPurpose(event.target.value)}
          />
        </Field>
        <Field label="Legal basis" id="cs-capture-basis" hint="The law or order allowing it.">
          <input
            id="cs-capture-basis"
            maxLength={500}
            value={legalBasis}
            onChange={(event) => setLegalBasis(event.target.value)}
          />
        </Field>
      </div>
      <ActionError error={capture.error} />
      <div className="cs-buttons">
        <button type="submit" className="primary" disabled={capture.pending || url.trim() === ''}>
          Capture
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
