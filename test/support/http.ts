/**
 * What the local stand-ins for outside services (Transparency Database, platform webhook,
 * CyberTipline) share: reading a bounded request body and answering JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The body as text, or undefined when it is larger than `maxBytes`. */
export async function readBody(
  request: IncomingMessage,
  maxBytes = 1024 * 1024,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function answerJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
