import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { silentUi } from '@kiln/sdk';
import type { Ui } from '@kiln/sdk';
import { fileServerHandler } from './file-server.js';
import { reservePortInRange } from './port-range.js';

export interface HttpServerOptions {
  /** http_directory; without it no server starts and the port is 0, as in Packer. */
  readonly directory: string | undefined;
  readonly portMin: number;
  readonly portMax: number;
  /** http_bind_address (Packer's default 0.0.0.0). */
  readonly bindAddress: string;
  /** The Packer cache, for the port lock files. */
  readonly cacheDir: string;
  readonly ui?: Ui;
  readonly signal?: AbortSignal;
}

/** The running http_directory server; `port` is 0 when none runs (Packer's http_port). */
export interface HttpDirectoryServer {
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Packer's StepHTTPServer: serves http_directory on a random free port of
 * [http_port_min, http_port_max) and says `Starting HTTP server on port N`. Errors read
 * `Error finding port: ...`. close() stops the server and frees the port lock.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpDirectoryServer> {
  if (!options.directory) return { port: 0, address: options.bindAddress, close: () => Promise.resolve() };
  const handler = fileServerHandler(resolve(options.directory));
  const reservation = await reservePortInRange(
    { min: options.portMin, max: options.portMax, address: options.bindAddress, cacheDir: options.cacheDir, ...(options.signal ? { signal: options.signal } : {}) },
    (port, address) => listen(createServer(handler), port, address),
  );
  (options.ui ?? silentUi).say(`Starting HTTP server on port ${reservation.port}`);
  const server = reservation.bound;
  return {
    port: reservation.port,
    address: options.bindAddress,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await reservation.release();
    },
  };
}

function listen(server: Server, port: number, address: string): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen({ port, host: address || '0.0.0.0', exclusive: true }, () => {
      server.removeListener('error', reject);
      resolvePromise(server);
    });
  });
}
