// The crypto folder's entry: what the rest of the program may use of it.

export { generateIdentity, importIdentity, type NodeIdentity, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verifyNodeSignature } from './identity.js';
export { CipherState, IkInitiator, IkResponder, keyPairFromPrivate, MAX_PLAINTEXT_BYTES, type StaticKeyPair } from './noise.js';
export { AEAD_OVERHEAD, buildHeader, cellNonce, COMPONENT, HEADER_BYTES, type HopKeys, hopPrivateKey, type HopRecord, type HopSpec, layer, layers, openBody, openHeader, PAYER_BYTES, sealBody, TOKEN_BYTES } from './onion.js';
export { checkKdfParams, deriveKey, type KdfParams, newKdfParams, seal, SealError, sealString, unseal, unsealString } from './seal.js';
