import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { settleModel } from './store/open-setup';
import { startStores } from './store/start';
import { useWorkspace } from './store/workspace';
import { registerShellWorker } from './sw/register';
import { App } from './ui/App';
import './ui/styles.css';
import './ui/attribution.css';

// The saved workspace, setups and preferences, the model worker, and the stores following each
// other and the page (a share link in the address is read here too).
startStores();
// Load the setup's model if that costs no download — a test model, a copy served by this app, or
// one in the browser cache (store/open-setup.ts). A folder opened from the user's computer is gone
// after a reload: the model panel asks for it again.
void settleModel();

// Production only: the dev server sends the isolation headers itself, and a worker caching the
// shell would serve stale modules to hot reloading.
if (import.meta.env.PROD) {
  registerShellWorker({
    onUpdate: () => useWorkspace.getState().pushNotice({ kind: 'info', key: 'notice.appUpdated' }),
  });
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
