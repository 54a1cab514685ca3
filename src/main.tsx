import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { ConfigErrorScreen } from './app/config-error-screen';
import { routerReady } from './app/router';
import { envResult } from './config/env';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

const render = () =>
  createRoot(root).render(
    <StrictMode>{envResult.ok ? <App /> : <ConfigErrorScreen problems={envResult.problems} />}</StrictMode>,
  );

// The first render waits until the first page's code and loader data are ready (on `/`, at once: its
// loader only starts reads), so the main thread evaluates that code instead of rendering a fallback.
if (envResult.ok) void routerReady().then(render);
else render();
