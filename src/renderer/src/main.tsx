import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerPooledCodecs } from './codecs/registerCodecs';
import './styles.css';
import './panels.css';

registerPooledCodecs();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
