import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileConnector } from '../../src/connectors/file.js';
import { connectorConformance } from './connector-suite.js';

// Each connector gets a fresh directory, which `clear: true` deletes again when the suite closes it.
connectorConformance('file', {
  create: () => Promise.resolve(new FileConnector({ directory: mkdtempSync(join(tmpdir(), 'proxymesh-file-')), clear: true })),
});
