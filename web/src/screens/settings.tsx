/**
 * The reviewer's settings: wellness (how strongly images are blurred until revealed, and
 * grayscale), previewed on a drawn sample and saved to the account (PATCH /v1/me/settings);
 * and who is signed in, with the roles and permissions the account has.
 */
import { type FormEvent, useId, useState } from 'react';
import { useAction } from '../api/hooks.js';
import { useSession, type Wellness } from '../session.js';
import { imageFilter } from '../ui/item-image.js';
import { ActionError, Badge, Field, Page } from '../ui/kit.js';
import './review.css';

function WellnessForm() {
  const session = useSession();
  const [draft, setDraft] = useState<Wellness>(session.wellness);
  const [saved, setSaved] = useState(false);
  const sampleId = useId();
  const changed =
    draft.blur !== session.wellness.blur || draft.grayscale !== session.wellness.grayscale;
  const save = useAction(async () => {
    await session.setWellness(draft);
    setSaved(true);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.act();
  };
  const update = (patch: Partial<Wellness>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  return (
    <section className="panel" aria-labelledby="wellness-title">
      <h2 id="wellness-title">Wellness</h2>
      <p className="muted">
        Images of items are blurred until you reveal them, one at a time. Choose how strongly, and
        whether they are shown in grey.
      </p>
      <form onSubmit={submit} aria-labelledby="wellness-title">
        <Field
          label="Image blur"
          id="wellness-blur"
          hint="0 shows images sharp; 100 blurs them most."
        >
          <div className="rv-range-row">
            <input
              id="wellness-blur"
              type="range"
              min={0}
              max={100}
              step={5}
              value={draft.blur}
              aria-valuetext={`${draft.blur} out of 100`}
              aria-describedby={sampleId}
              onChange={(e) => update({ blur: Number(e.target.value) })}
            />
            <output htmlFor="wellness-blur" aria-hidden="true">
              {draft.blur} / 100
            </output>
          </div>
        </Field>
        <label className="rv-check">
          <input
            type="checkbox"
            checked={draft.grayscale}
            onChange={(e) => update({ grayscale: e.target.checked })}
          />
          Show images in grayscale
        </label>
        <div className="rv-sample-row">
          <div
            className="wellness-sample"
            role="img"
            aria-label="A drawn sample picture: sky, sun, hill and house, with your settings applied"
            style={{ filter: imageFilter(draft) }}
          >
            <span className="sun" />
            <span className="hill" />
            <span className="house" />
          </div>
          <p id={sampleId} className="hint">
            The sample shows images as they will look before you reveal them.
          </p>
        </div>
        <ActionError error={save.error} />
        <div className="rv-actions">
          <button type="submit" className="primary" disabled={!changed || save.pending}>
            Save
          </button>
          <span role="status" className="hint">
            {save.pending ? 'Saving…' : saved && !changed ? 'Saved.' : ''}
          </span>
        </div>
      </form>
    </section>
  );
}

function Account() {
  const session = useSession();
  const { account, permissions } = session;
  return (
    <section className="panel" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <dl className="rv-facts">
        <dt>Name</dt>
        <dd>{account.name}</dd>
        <dt>Email</dt>
        <dd>{account.email ?? <span className="muted">none (a service account)</span>}</dd>
        <dt>Roles</dt>
        <dd>
          <ul className="rv-inline-list">
            {account.roles.map((role) => (
              <li key={role}>
                <Badge tone="info">{role}</Badge>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Account id</dt>
        <dd>
          <code>{account.id}</code>
        </dd>
      </dl>
      <h3>Permissions</h3>
      {permissions.length === 0 ? (
        <p className="muted">This account has no permission.</p>
      ) : (
        <ul className="rv-permission-list">
          {permissions.map((permission) => (
            <li key={permission}>
              <code>{permission}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SettingsScreen() {
  return (
    <Page title="Settings">
      <div className="grid-2 rv">
        <WellnessForm />
        <Account />
      </div>
    </Page>
  );
}
