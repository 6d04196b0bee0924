import {
	Client,
	GraphError,
	type Context,
	type Middleware,
} from '@microsoft/microsoft-graph-client';
import type { Transport } from '../../transport/transport';
import { isCloudError } from '../../types/cloudError';
import {
	cloudErrorFromFailure,
	cloudErrorFromThrown,
	type GraphService,
	type Operation,
} from './errors';

/** The SDK's last link: every request goes through the transport (which signs, refreshes and paces). */
class TransportMiddleware implements Middleware {
	/** The SDK turns thrown errors into GraphErrors that keep only name and message; keep the original. */
	lastError?: unknown;

	constructor(private readonly transport: Transport) {}

	async execute(context: Context): Promise<void> {
		const url = typeof context.request === 'string' ? context.request : context.request.url;
		try {
			context.response = await this.transport.fetch(
				url,
				context.options as Parameters<Transport['fetch']>[1],
			);
		} catch (error) {
			this.lastError = error;
			throw error;
		}
	}
}

/**
 * The official Graph SDK over the node's transport, with every failure turned into a CloudError naming its target.
 * Shared by the drive provider (any Graph drive) and the SharePoint site lookups.
 */
export class GraphCaller {
	readonly client: Client;
	private readonly middleware: TransportMiddleware;

	constructor(
		transport: Transport,
		private readonly service: GraphService,
	) {
		this.middleware = new TransportMiddleware(transport);
		// No RetryHandler (the pacer owns retries) and no AuthenticationHandler (the wire signs).
		this.client = Client.initWithMiddleware({ middleware: this.middleware });
	}

	async get(url: string, operation: Operation, target: string): Promise<any> {
		return this.call(operation, target, () => this.client.api(url).get());
	}

	/** A GET that answers undefined on 404. */
	async getOrUndefined(url: string, target: string): Promise<any> {
		try {
			return await this.get(url, 'read', target);
		} catch (error) {
			if (isCloudError(error, 'notFound')) return undefined;
			throw error;
		}
	}

	/** Run an SDK call; whatever fails comes out as a CloudError naming `target`. */
	async call<T>(operation: Operation, target: string, run: () => Promise<T>): Promise<T> {
		this.middleware.lastError = undefined;
		try {
			return await run();
		} catch (error) {
			const thrown = this.middleware.lastError;
			if (thrown) throw cloudErrorFromThrown(thrown, target, this.service);
			if (error instanceof GraphError && error.statusCode > 0) {
				throw cloudErrorFromFailure(
					{
						status: error.statusCode,
						code: error.code ?? undefined,
						message: error.message,
						retryAfter: error.headers?.get('retry-after') ?? undefined,
					},
					operation,
					target,
					this.service,
				);
			}
			throw cloudErrorFromThrown(error, target, this.service);
		}
	}
}
