import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { ConfigErrorScreen } from './app/config-error-screen';
import { envResult } from './config/env';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>{envResult.ok ? <App /> : <ConfigErrorScreen problems={envResult.problems} />}</StrictMode>,
);
