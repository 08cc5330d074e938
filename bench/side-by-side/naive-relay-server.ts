// The baseline: a naive ConversationRelay server, as Twilio's own samples write one. A WebSocket
// server (ws on node:http) takes each `prompt`, asks the model through the openai SDK with the call's
// history kept in memory, and sends every delta on as a `text` message the moment it arrives, then
// `last:true`. No persistence, no signature check, no voice webhook: the floor a server with those
// can be compared to.
//   node --import tsx bench/side-by-side/naive-relay-server.ts --port 8090 --model http://127.0.0.1:9999/v1
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { WebSocketServer } from 'ws';

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

const { values } = parseArgs({ options: { port: { type: 'string' }, model: { type: 'string' } } });
const openai = new OpenAI({ baseURL: values.model, apiKey: 'bench-key', maxRetries: 0 });
const http = createServer((_request, response) => response.writeHead(404).end());
const sockets = new WebSocketServer({ server: http });

sockets.on('connection', (socket) => {
  const history: Message[] = [{ role: 'system', content: 'You answer phone calls. Be brief.' }];
  socket.on('message', async (data) => {
    let message: { type?: string; voicePrompt?: string };
    try {
      message = JSON.parse(String(data)) as typeof message;
    } catch {
      return;
    }
    if (message.type !== 'prompt') return;
    history.push({ role: 'user', content: message.voicePrompt ?? '' });
    let reply = '';
    try {
      const stream = await openai.chat.completions.create({
        model: 'bench-model',
        messages: history,
        stream: true,
      });
      for await (const chunk of stream) {
        const token = chunk.choices[0]?.delta?.content;
        if (!token) continue;
        reply += token;
        socket.send(JSON.stringify({ type: 'text', token, last: false }));
      }
    } catch (error) {
      console.error(`model request failed: ${String(error)}`);
    }
    history.push({ role: 'assistant', content: reply });
    socket.send(JSON.stringify({ type: 'text', token: '', last: true }));
  });
});

http.listen(Number(values.port), '127.0.0.1', () => console.log(`naive relay server on port ${values.port}`));
