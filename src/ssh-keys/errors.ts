// The one error of ssh access: what is wrong with a key, a login name or the request, and what to do about it.
// `problem` lets the UI edge tell a refused key or name from ssh access being off.

import { MasqError } from '../system/index.js';

export type SshProblem =
  | 'key-empty' | 'key-too-long' | 'key-private' | 'key-ssh2' | 'key-options' | 'key-type' | 'key-not-a-key'
  | 'key-base64' | 'key-mismatch' | 'key-damaged' | 'key-rsa-short' | 'key-comment' | 'key-duplicate'
  | 'keys-full' | 'key-unknown' | 'user-invalid' | 'user-taken' | 'access-off';

const MAKE_KEY = 'Make one with ssh-keygen -t ed25519 and paste the line of ~/.ssh/id_ed25519.pub.';
const PASTE_AGAIN = 'Copy the whole line of the .pub file again, unchanged (it is one line).';

const FIX: Record<SshProblem, string> = {
  'key-empty': MAKE_KEY,
  'key-too-long': 'Paste one public key line, from a file ending in .pub.',
  'key-private': 'Keep the private key on your own computer: whoever has it can log in as you.',
  'key-ssh2': 'Convert it with ssh-keygen -i -f key.pub, or copy PuTTYgen\'s "Public key for pasting into OpenSSH authorized_keys file".',
  'key-options': 'Paste the key line alone, starting with its type (ssh-ed25519 …).',
  'key-type': MAKE_KEY,
  'key-not-a-key': `An ssh public key is one line: its type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …), its data, a comment. ${MAKE_KEY}`,
  'key-base64': PASTE_AGAIN,
  'key-mismatch': PASTE_AGAIN,
  'key-damaged': PASTE_AGAIN,
  'key-rsa-short': MAKE_KEY,
  'key-comment': 'Shorten the comment (the text after the key), or remove what cannot be printed.',
  'key-duplicate': 'Nothing to do: it already opens this box.',
  'keys-full': 'Remove a key you no longer use first.',
  'key-unknown': 'Choose a key from the list of this box\'s keys (masq ssh-access shows their fingerprints).',
  'user-invalid': 'Choose 1 to 31 lower-case letters, digits or dashes, starting with a letter (for example owner).',
  'user-taken': 'Choose another login name: this one belongs to the system or to someone else.',
  'access-off': 'As root, add the line ssh-access-from-page = "on" to /etc/masq/config.toml and run systemctl restart masq-daemon (the Raspberry Pi image has it on).',
};

export class SshAccessError extends MasqError {
  constructor(readonly problem: SshProblem, message: string) {
    super('SSH_ACCESS', message, FIX[problem]);
    this.name = 'SshAccessError';
  }
}
