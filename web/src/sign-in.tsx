import { type FormEvent, useState } from 'react';
import { api, must } from './api/client.js';
import { useAction } from './api/hooks.js';
import { ActionError, Field } from './ui/kit.js';

/** Signing in with an account of the service (the admin login `npm start` prints works). */
export function SignIn(props: { readonly done: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { act, pending, error } = useAction(async () => {
    must(await api.POST('/v1/session', { body: { email, password } }));
    props.done();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act();
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Vigil</h1>
        <p className="muted">Sign in to review content and explore networks.</p>
        <Field label="Email address" id="email">
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Password" id="password">
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <ActionError error={error} />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
