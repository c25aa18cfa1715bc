// The Leadloop web app: a signed-in person's dashboard over the HTTP API.
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('app')!);
