// A tiny orders API for the order-support-001 example agent: local only (127.0.0.1), three orders,
// a bearer token, and the check a business makes of our signature on every tool request.
//
//   npm run example:orders        # listens on http://127.0.0.1:4010 (ORDERS_PORT to change)
//
// The server sends Authorization: Bearer <TOOL_SECRET_ORDERS_API_TOKEN>; start both with the same
// token (ORDERS_API_TOKEN here, default local-orders-token). With WEBHOOK_SECRET set to the
// server's, each request's X-Voice-Agent-Signature is verified too.
import { createServer, type ServerResponse } from 'node:http';
import { verifyToolRequest } from '../../src/adapters/tools/tool-signature.js';

export const ORDERS: Record<string, { status: string; items: string[]; delivery: string }> = {
  '4412': { status: 'shipped', items: ['a blue kettle'], delivery: 'Thursday, June 12' },
  '5519': { status: 'being packed', items: ['two mugs', 'a teapot'], delivery: 'Monday, June 16' },
  '7781': { status: 'delivered', items: ['a toaster'], delivery: 'Tuesday, June 3' },
};

const send = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export function ordersService(options: {
  token: string;
  signingSecret?: string;
  log?: (line: string) => void;
}) {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers.authorization !== `Bearer ${options.token}`)
      return send(res, 401, { error: 'unauthorized' });
    if (
      options.signingSecret &&
      !verifyToolRequest(
        options.signingSecret,
        req.headers['x-voice-agent-signature'] as string | undefined,
        {
          method: req.method ?? 'GET',
          url,
        },
      )
    )
      return send(res, 401, { error: 'bad signature' });
    const match = /^\/orders\/([0-9]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(res, 404, { error: 'not found' });
    const order = ORDERS[match[1]!];
    options.log?.(`GET ${url.pathname} -> ${order ? 200 : 404}`);
    if (!order) return send(res, 404, { error: `no order ${match[1]}` });
    return send(res, 200, { order_id: match[1], ...order });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.ORDERS_PORT ?? 4010);
  const signingSecret = process.env.WEBHOOK_SECRET;
  const server = ordersService({
    token: process.env.ORDERS_API_TOKEN ?? 'local-orders-token',
    signingSecret,
    log: (line) => console.log(line),
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(`orders service on http://127.0.0.1:${port} (orders ${Object.keys(ORDERS).join(', ')})`);
    if (!signingSecret) console.log('signatures not checked: set WEBHOOK_SECRET to the voice-agent server’s');
  });
}
