// The TLS-shaped mask's codecs (docs/MESH.md, "Clandestine links"): a Chrome-shaped ClientHello that carries a
// dialer's proof of knowing the listener's key, the answers' shapes, and the Noise frames inside application-data
// records under a keystream. Pure; src/link runs the handshake over a socket and the decoy for strangers.

export { type AuthKeys, authKeys, helloRandom, ReplayGuard, sessionIdFor, WINDOW_S } from './auth.js';
export { buildClientHello, parseClientHello, type Randomness } from './client-hello.js';
export { type Certificate, selfSignedCertificate } from './certificate.js';
export { SERVER_NAMES, serverNameFor } from './names.js';
export { CONTENT, RecordReader } from './records.js';
export { buildClientFinish, buildServerFlight, parseServerHello, SERVER_SEALED_RECORDS, serverRandom } from './server-hello.js';
export { keystream, sealFrame, StreamReader } from './stream.js';
