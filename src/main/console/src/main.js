import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { adminToken, consoleSettings } from './api.js';
import { SignIn } from './signin.js';
import { FleetPage } from './fleet.js';
import { AccountsPage } from './accounts.js';
import { UsagePage } from './usage.js';
import { HealthPage } from './health.js';
import { VehiclePage } from './vehicle.js';

const PAGES = [
  { path: 'fleet', title: 'Fleet', view: FleetPage },
  { path: 'accounts', title: 'Accounts', view: AccountsPage },
  { path: 'usage', title: 'Usage', view: UsagePage },
  { path: 'health', title: 'Health', view: HealthPage },
  // reached from the Fleet table, not the navigation
  { path: 'vehicles', title: 'Vehicle', view: VehiclePage, under: 'fleet' },
];

/** The page named by the location's hash: #/fleet, #/vehicles/<vin>, #/accounts, #/accounts/<id>, #/usage or #/usage/<id>. */
function currentRoute() {
  const [page = 'fleet', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { page: PAGES.some((p) => p.path === page) ? page : 'fleet', rest: rest.map(decodeURIComponent) };
}

const LAST_INPUT_KEY = 'fleetgate.lastInput';
// why the tab was signed out, kept with it: a reload right after (the page can sign out while the
// reload's answer is on its way) still says why the token is asked again
const SIGNED_OUT_NOTE_KEY = 'fleetgate.signedOutNote';
const INPUT_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'];

function noteInput() {
  sessionStorage.setItem(LAST_INPUT_KEY, String(Date.now()));
}

/**
 * Calls onIdle once the tab has had no click, key or scroll for the console's idle time
 * (fleetgate.console.idle-sign-out-seconds; 0: never). The time of the last input is kept with the
 * token, so a reload, which is no input, does not start it again.
 */
function useIdleSignOut(signedIn, onIdle) {
  useEffect(() => {
    if (!signedIn) {
      return undefined;
    }
    let stopped = false;
    let timer;
    if (sessionStorage.getItem(LAST_INPUT_KEY) === null) {
      noteInput();
    }
    INPUT_EVENTS.forEach((name) => addEventListener(name, noteInput, { capture: true, passive: true }));
    consoleSettings().then(({ idle_sign_out_seconds: seconds }) => {
      if (stopped || !(seconds > 0)) {
        return;
      }
      const check = () => {
        if (Date.now() - Number(sessionStorage.getItem(LAST_INPUT_KEY)) >= seconds * 1000) {
          onIdle(seconds);
        }
      };
      check();
      timer = setInterval(check, 1000);
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      INPUT_EVENTS.forEach((name) => removeEventListener(name, noteInput, { capture: true }));
    };
  }, [signedIn]);
}

function idleTime(seconds) {
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`;
}

function App() {
  const [token, setToken] = useState(adminToken.get());
  const [note, setNote] = useState(sessionStorage.getItem(SIGNED_OUT_NOTE_KEY));
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const follow = () => setRoute(currentRoute());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const signOut = (why = null) => {
    adminToken.clear();
    sessionStorage.removeItem(LAST_INPUT_KEY);
    if (why) {
      sessionStorage.setItem(SIGNED_OUT_NOTE_KEY, why);
    } else {
      sessionStorage.removeItem(SIGNED_OUT_NOTE_KEY);
    }
    setToken(null);
    setNote(why);
  };
  useIdleSignOut(Boolean(token), (seconds) => signOut(`Signed out after ${idleTime(seconds)} without input. Sign in again.`));

  if (!token) {
    return html`<${SignIn} note=${note} onSignedIn=${(t) => { adminToken.set(t); noteInput(); sessionStorage.removeItem(SIGNED_OUT_NOTE_KEY); setNote(null); setToken(t); }} />`;
  }
  const page = PAGES.find((p) => p.path === route.page);
  return html`
    <header class="top">
      <span class="brand">Fleetgate</span>
      <nav aria-label="Pages">
        ${PAGES.filter((p) => !p.under).map((p) => html`
          <a href=${`#/${p.path}`} aria-current=${p === page || p.path === page.under ? 'page' : undefined}>${p.title}</a>`)}
      </nav>
      <button type="button" class="link" onClick=${() => signOut()}>Sign out</button>
    </header>
    <main id="page" tabindex="-1">
      <${page.view} rest=${route.rest} onUnauthorized=${() => signOut()} />
    </main>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the loading note
render(html`<${App} />`, root);
