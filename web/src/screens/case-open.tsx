/**
 * Opening a case from a network: a button for accounts with `cases:use` and a small form (a
 * title, the TLP marking) that opens the case linked to the network (POST /v1/cases with
 * `links`), then goes to it. The caller becomes the case's lead.
 */
import { type FormEvent, useState } from 'react';
import { api, must } from '../api/client.js';
import { useAction } from '../api/hooks.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { ActionError, Field } from '../ui/kit.js';
import { type Tlp, TlpSelect } from './cases.js';

/** "Open a case": renders nothing without `cases:use`. */
export function OpenCaseButton(props: {
  readonly expanded: boolean;
  readonly onToggle: () => void;
}) {
  const session = useSession();
  if (!session.can('cases:use')) return null;
  return (
    <button
      type="button"
      className="primary"
      aria-expanded={props.expanded}
      aria-controls="cs-open-network"
      onClick={props.onToggle}
    >
      Open a case
    </button>
  );
}

export function OpenCaseForm(props: { readonly networkId: string; readonly onCancel: () => void }) {
  const session = useSession();
  const short = props.networkId.replace(/^net_/, '').slice(-8);
  const [title, setTitle] = useState(`Network ${short}`);
  const [tlp, setTlp] = useState<Tlp>('amber');
  const open = useAction(async () => {
    const opened = must(
      await api.POST('/v1/cases', {
        body: {
          title: title.trim(),
          tlp,
          links: [{ kind: 'network', targetId: props.networkId }],
        },
      }),
    );
    navigate('cases', opened.case.id);
  });
  if (!session.can('cases:use')) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void open.act();
  };
  return (
    <form
      id="cs-open-network"
      className="panel cs-form cs-new"
      onSubmit={submit}
      aria-labelledby="cs-open-network-h"
    >
      <h2 id="cs-open-network-h">Open a case from this network</h2>
      <p className="hint">
        The case is linked to this network and you become its lead. Only its members can see it.
      </p>
      <div className="cs-row">
        <Field label="Case title" id="cs-open-title">
          <input
            id="cs-open-title"
            required
            maxLength={200}
            value={title}
            // biome-ignore lint/a11y/noAutofocus: the form opens on request; its first field takes focus.
            autoFocus
            onChange={(event) => setTitle(event.target.value)}
          />
        </Field>
        <Field label="Marking (TLP)" id="cs-open-tlp">
          <TlpSelect id="cs-open-tlp" value={tlp} onChange={setTlp} />
        </Field>
      </div>
      <ActionError error={open.error} />
      <div className="cs-buttons">
        <button type="submit" className="primary" disabled={open.pending || title.trim() === ''}>
          Open the case
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
