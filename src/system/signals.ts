// Resolves on the first SIGINT or SIGTERM. The same signal again while shutting down (a second Ctrl-C) forces an
// exit; a different one (the Daemon's SIGTERM after the terminal's SIGINT) does not.

export function onShutdownSignals(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const handler = (sig: NodeJS.Signals): void => {
      if (first === sig) process.exit(130);
      if (first) return;
      first = sig;
      resolve(sig);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
