/**
 * The console's frame: sign-in, the navigation (what the account's permissions allow), and the
 * screen of the current route.
 */
import type { ReactNode } from 'react';
import { href, useRoute } from './router.js';
import { CaseScreen, CasesScreen } from './screens/cases.js';
import {
  AppealScreen,
  AppealsScreen,
  HoldScreen,
  HoldsScreen,
  NoticeScreen,
  NoticesScreen,
  ReferralScreen,
  ReferralsScreen,
} from './screens/casework.js';
import { IdentifierScreen, ItemScreen } from './screens/item.js';
import { LawScreen } from './screens/law.js';
import { NetworkScreen, NetworksScreen, TemplateScreen } from './screens/networks.js';
import { QueueScreen } from './screens/queue.js';
import { ReviewScreen } from './screens/review.js';
import { SettingsScreen } from './screens/settings.js';
import { SharingScreen } from './screens/sharing.js';
import { TransparencyScreen } from './screens/transparency.js';
import { SessionProvider, useSession } from './session.js';
import { SignIn } from './sign-in.js';
import { Empty, ErrorState, Loading } from './ui/kit.js';

interface NavEntry {
  readonly path: string;
  readonly label: string;
  readonly permission: string;
}

const NAV: readonly NavEntry[] = [
  { path: 'queue', label: 'Queue', permission: 'workflow:read' },
  { path: 'networks', label: 'Networks', permission: 'items:read' },
  { path: 'cases', label: 'Cases', permission: 'cases:use' },
  { path: 'notices', label: 'Notices', permission: 'workflow:read' },
  { path: 'appeals', label: 'Appeals', permission: 'workflow:read' },
  { path: 'referrals', label: 'Referrals', permission: 'workflow:read' },
  { path: 'holds', label: 'Holds', permission: 'workflow:read' },
  { path: 'law', label: 'Law', permission: 'law:read' },
  { path: 'sharing', label: 'Sharing', permission: 'share:use' },
  { path: 'transparency', label: 'Transparency', permission: 'transparency:read' },
];

function screenFor(path: readonly string[]): ReactNode {
  const [first, second] = path;
  switch (first) {
    case undefined:
    case 'queue':
      return <QueueScreen />;
    case 'review':
      return second === undefined ? <QueueScreen /> : <ReviewScreen jobId={second} />;
    case 'items':
      return second === undefined ? <NotFound /> : <ItemScreen itemId={second} />;
    case 'identifiers':
      return second === undefined ? <NotFound /> : <IdentifierScreen identifier={second} />;
    case 'networks':
      return second === undefined ? <NetworksScreen /> : <NetworkScreen networkId={second} />;
    case 'cases':
      return second === undefined ? <CasesScreen /> : <CaseScreen caseId={second} />;
    case 'templates':
      return second === undefined ? <NotFound /> : <TemplateScreen templateId={second} />;
    case 'notices':
      return second === undefined ? <NoticesScreen /> : <NoticeScreen noticeId={second} />;
    case 'appeals':
      return second === undefined ? <AppealsScreen /> : <AppealScreen appealId={second} />;
    case 'referrals':
      return second === undefined ? <ReferralsScreen /> : <ReferralScreen referralId={second} />;
    case 'holds':
      return second === undefined ? <HoldsScreen /> : <HoldScreen holdId={second} />;
    case 'law':
      return <LawScreen />;
    case 'transparency':
      return <TransparencyScreen />;
    case 'sharing':
      return <SharingScreen tab={second} />;
    case 'settings':
      return <SettingsScreen />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <Empty>
      <p>
        There is no such page. <a href={href('queue')}>Go to the queue.</a>
      </p>
    </Empty>
  );
}

function Shell() {
  const session = useSession();
  const path = useRoute();
  const current = path[0] ?? 'queue';
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href('queue')}>
          Vigil
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((entry) => session.can(entry.permission)).map((entry) => (
              <li key={entry.path}>
                <a
                  href={href(entry.path)}
                  aria-current={current === entry.path ? 'page' : undefined}
                >
                  {entry.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <a href={href('settings')} aria-current={current === 'settings' ? 'page' : undefined}>
            {session.account.name}
          </a>
          <button type="button" className="link" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {screenFor(path)}
      </main>
    </div>
  );
}

export function App() {
  return (
    <SessionProvider
      signIn={(done) => <SignIn done={done} />}
      loading={<Loading rows={3} label="Opening the console…" />}
      failed={(retry, error) => <ErrorState error={error} retry={retry} />}
    >
      <Shell />
    </SessionProvider>
  );
}
