import { connect, createServer, type Server, type Socket } from 'net';

/**
 * A real link's latency on loopback, without root-only kernel modules (this machine's kernel has no sch_netem, so
 * `tc qdisc ... netem delay` fails with "Specified qdisc kind is unknown"): a TCP relay that holds every piece of
 * data for half the round trip in each direction, in order. A new connection pays one round trip before its first
 * byte goes on (the TCP handshake), and TLS then pays its own round trips through the relay, as on a real link.
 * Bandwidth is not limited: the model is latency, which is what per-file requests meet.
 */
export class LatencyRelay {
	private server?: Server;
	private readonly sockets = new Set<Socket>();

	constructor(
		private readonly roundTripMs: number,
		private readonly target: { host: string; port: number },
	) {}

	async start(host: string, port: number): Promise<void> {
		// Half-open allowed, as TCP itself: one side's end must not cut data still held for the other direction.
		this.server = createServer({ allowHalfOpen: true }, (client) => this.relay(client));
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, resolve);
		});
	}

	private relay(client: Socket): void {
		const upstream = connect({
			port: this.target.port,
			host: this.target.host,
			allowHalfOpen: true,
		});
		const half = this.roundTripMs / 2;
		const handshakeDone = Date.now() + this.roundTripMs;
		for (const socket of [client, upstream]) {
			socket.setNoDelay(true);
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
			socket.on('error', () => undefined);
		}
		const pipe = (from: Socket, to: Socket, notBefore: number) => {
			let last = 0;
			// One queue and one timer per direction: timers set for the same millisecond from different moments may
			// fire out of order (a 128 MiB Drive upload through the relay arrived with pieces swapped, and the md5
			// check refused it), so pieces leave strictly in arrival order.
			const queue: Array<{ at: number; data: Buffer }> = [];
			let timer: NodeJS.Timeout | undefined;
			const flush = () => {
				timer = undefined;
				while (queue.length > 0 && queue[0].at <= Date.now()) {
					const { data } = queue.shift()!;
					if (!to.destroyed) to.write(data);
				}
				if (queue.length > 0) timer = setTimeout(flush, queue[0].at - Date.now());
			};
			from.on('data', (data: Buffer) => {
				// Never before the previous piece, never before the link could carry it.
				const at = Math.max(Date.now() + half, last, notBefore + half);
				last = at;
				queue.push({ at, data });
				timer ??= setTimeout(flush, at - Date.now());
			});
			// A clean end is passed on after the data (end() flushes what is queued); only a broken connection is cut.
			from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - Date.now()) + half));
			from.on('close', (hadError: boolean) => {
				if (hadError) setTimeout(() => to.destroy(), Math.max(0, last - Date.now()) + half);
			});
		};
		pipe(client, upstream, handshakeDone);
		pipe(upstream, client, 0);
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}
}
