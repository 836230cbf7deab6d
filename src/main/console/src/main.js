import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { adminToken } from './api.js';
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

function App() {
  const [token, setToken] = useState(adminToken.get());
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const follow = () => setRoute(currentRoute());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);

  if (!token) {
    return html`<${SignIn} onSignedIn=${(t) => { adminToken.set(t); setToken(t); }} />`;
  }
  const signOut = () => { adminToken.clear(); setToken(null); };
  const page = PAGES.find((p) => p.path === route.page);
  return html`
    <header class="top">
      <span class="brand">Fleetgate</span>
      <nav aria-label="Pages">
        ${PAGES.filter((p) => !p.under).map((p) => html`
          <a href=${`#/${p.path}`} aria-current=${p === page || p.path === page.under ? 'page' : undefined}>${p.title}</a>`)}
      </nav>
      <button type="button" class="link" onClick=${signOut}>Sign out</button>
    </header>
    <main id="page" tabindex="-1">
      <${page.view} rest=${route.rest} onUnauthorized=${signOut} />
    </main>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the loading note
render(html`<${App} />`, root);
