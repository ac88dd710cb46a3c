/** The tests and benches serve the app the way the CLI does. */
export { serveApp } from '../../src/cli/serve-app';
