/** Entry point of Telescope's web UI: mounts the app shell. */
import { render } from 'preact';
import { App } from './app/App';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
