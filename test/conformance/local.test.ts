import { LocalConnector } from '../../src/index.js';
import { connectorConformance } from './connector-suite.js';

connectorConformance('local', { create: () => Promise.resolve(new LocalConnector()) });
