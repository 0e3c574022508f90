import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileConnector } from '../../src/connectors/file.js';
import { LocalConnector } from '../../src/connectors/local.js';
import { MeshConnector } from '../../src/connectors/mesh.js';
import { MultiConnector } from '../../src/connectors/multi.js';
import { connectorConformance } from './connector-suite.js';

const MiB = 1024 * 1024;
const largeFiles = (): FileConnector => new FileConnector({ directory: mkdtempSync(join(tmpdir(), 'proxymesh-multi-')), clear: true });

// Small objects (and futures, whose size is unknown) in memory; the suite's 3 MiB object goes to files.
connectorConformance('multi (local small, file large)', {
  create: () =>
    Promise.resolve(
      new MultiConnector({
        small: { connector: new LocalConnector(), policy: { priority: 1, maxSizeBytes: MiB } },
        large: { connector: largeFiles(), policy: { minSizeBytes: MiB + 1 } },
      }),
    ),
});

// The layout: small objects and futures on the mesh, large ones on a FileConnector.
connectorConformance('multi (mesh small, file large)', {
  create: () =>
    Promise.resolve(
      new MultiConnector({
        small: { connector: new MeshConnector(), policy: { priority: 1, maxSizeBytes: MiB } },
        large: { connector: largeFiles(), policy: { minSizeBytes: MiB + 1 } },
      }),
    ),
});
