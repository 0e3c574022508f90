/**
 * The unreachable-service errors: one class a caller catches for any connector, and the mesh's
 * own subclass, both rebuilt as themselves when they cross a thread.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, PeerUnavailableError, ProxyMeshError } from '../../src/errors.js';
import { fromPostedError, toPostedError } from '../../src/util/posted-error.js';

describe('ConnectorUnavailableError', () => {
  // A mesh peer's PeerUnavailableError is caught by the general class, as a Redis server's error is.
  it('is the class of every unreachable service, PeerUnavailableError included', () => {
    const peer = new PeerUnavailableError('The owner at 127.0.0.1:1 cannot be reached.');
    expect(peer).toBeInstanceOf(ConnectorUnavailableError);
    expect(peer).toBeInstanceOf(ProxyMeshError);
    expect(peer.name).toBe('PeerUnavailableError');
    expect(new ConnectorUnavailableError('The Redis server at 127.0.0.1:1 cannot be reached.').name).toBe('ConnectorUnavailableError');
  });

  // Across a thread boundary each keeps its own class and message.
  it('crosses a thread as itself', () => {
    const general = fromPostedError(toPostedError(new ConnectorUnavailableError('gone')));
    expect(general).toBeInstanceOf(ConnectorUnavailableError);
    expect(general).not.toBeInstanceOf(PeerUnavailableError);
    expect(fromPostedError(toPostedError(new PeerUnavailableError('gone')))).toBeInstanceOf(PeerUnavailableError);
  });
});
