// A small root tree shaped like the image's for the Imager applier: account databases with the image's system
// users and groups, login.defs, a zone file, and a boot partition folder with cmdline.txt. Removed by remove().

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const CMDLINE = 'console=ttyS1,115200 console=tty0 root=LABEL=masq-root rootfstype=ext4 fsck.repair=yes rootwait';

const FILES: Record<string, [string, number]> = {
  'etc/passwd': ['root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nmasq:x:990:990:MASQ Node:/var/lib/masq:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n', 0o644],
  'etc/group': ['root:x:0:\nadm:x:4:\ncdrom:x:24:\nsudo:x:27:\naudio:x:29:\nvideo:x:44:\nplugdev:x:46:\nusers:x:100:\nnetdev:x:101:\nmasq:x:990:\nmasq-admin:x:991:\nnogroup:x:65534:\n', 0o644],
  'etc/shadow': ['root:*:20000:0:99999:7:::\ndaemon:*:20000:0:99999:7:::\nmasq:!:20000::::::\nnobody:*:20000:0:99999:7:::\n', 0o640],
  'etc/gshadow': ['root:*::\nadm:*::\ncdrom:*::\nsudo:*::\naudio:*::\nvideo:*::\nplugdev:*::\nusers:*::\nnetdev:!::\nmasq:!::\nmasq-admin:!::\nnogroup:*::\n', 0o640],
  'etc/login.defs': ['UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\nUSERGROUPS_ENAB yes\nENCRYPT_METHOD YESCRYPT\n', 0o644],
  'etc/shells': ['/bin/sh\n/bin/bash\n/usr/bin/bash\n', 0o644],
  'etc/hosts': ['127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n', 0o644],
  'usr/share/zoneinfo/Europe/Berlin': ['TZif2 (a stand-in)\n', 0o644],
  'usr/share/zoneinfo/Europe/Vienna': ['TZif2 (a stand-in)\n', 0o644],
};

export interface ImagerRoot {
  root: string;
  boot: string;
  remove(): void;
}

export function makeImagerRoot(bootFiles: Record<string, string> = {}, cmdline = CMDLINE): ImagerRoot {
  const top = mkdtempSync(join(tmpdir(), 'masq-imager-'));
  const root = join(top, 'root');
  const boot = join(top, 'boot');
  for (const [rel, [text, mode]] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
    chmodSync(join(root, rel), mode);
  }
  mkdirSync(join(root, 'home'), { recursive: true });
  mkdirSync(boot, { recursive: true });
  writeFileSync(join(boot, 'cmdline.txt'), cmdline);
  for (const [name, text] of Object.entries(bootFiles)) writeFileSync(join(boot, name), text);
  return { root, boot, remove: () => rmSync(top, { recursive: true, force: true }) };
}
