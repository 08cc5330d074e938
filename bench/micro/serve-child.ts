// The child side of bench/child.ts's protocol for a server that only needs starting and stopping:
// announces {type:'ready', url}, and on 'stop' closes the server, answers and exits.
export function serveAsBenchChild(url: string, close: () => Promise<void>): void {
  process.on('message', (raw) => {
    const message = raw as { id?: number; type?: string };
    if (message.type !== 'stop') return;
    void close().then(() => {
      process.send?.({ id: message.id, ok: true });
      process.exit(0);
    });
  });
  process.send?.({ type: 'ready', url });
}
