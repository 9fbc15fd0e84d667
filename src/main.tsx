import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useWorkspace } from './store/workspace';
import { registerShellWorker } from './sw/register';
import { App } from './ui/App';
import './ui/styles.css';

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
