// Cryptographic primitives: the node identity (X25519 + Ed25519), Noise IK for links, the onion layers of routes
// and the store's sealed values, on OpenSSL: through node:crypto, and for ChaCha20 and ChaCha20-Poly1305 through our
// addon (cipher-addon.ts), which writes into buffers we own.

export { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, aeadOpen, aeadSeal } from './aead.js';
export { type EphemeralKey, generateEphemeralKey, generateIdentity, generateRawKeyPair, importIdentity, type NodeIdentity, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verifyNodeSignature } from './identity.js';
export { CipherState, dh as x25519, generateStaticKeyPair, IkInitiator, IkResponder, keyPairFromPrivate, MAX_PLAINTEXT_BYTES, type StaticKeyPair } from './noise.js';
export { EphemeralPool } from './ephemeral-pool.js';
export { releaseFreedMemory } from './cipher-addon.js';
export { AEAD_OVERHEAD, buildHeader, type EphemeralSource, cellNonce, COMPONENT, HEADER_BYTES, type HopKeys, hopPrivateKey, type HopRecord, type HopSpec, layerInPlace, layersInPlace, openBodyInPlace, openHeader, PAYER_BYTES, sealBody, TOKEN_BYTES } from './onion.js';
export { checkKdfParams, deriveKey, type KdfParams, newKdfParams, seal, SealError, sealString, unseal, unsealString } from './seal.js';
