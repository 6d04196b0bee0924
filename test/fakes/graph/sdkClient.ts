import {
	AuthenticationHandler,
	Client,
	RedirectHandler,
	RedirectHandlerOptions,
	RetryHandler,
	RetryHandlerOptions,
	TelemetryHandler,
	type Context,
	type Middleware,
} from '@microsoft/microsoft-graph-client';

/** The last link of the chain: Node's fetch, with Graph's https host rewritten onto the fake (api-brief §0). */
class RewritingFetchHandler implements Middleware {
	constructor(private readonly baseUrl: string) {}

	async execute(context: Context): Promise<void> {
		const url = typeof context.request === 'string' ? context.request : context.request.url;
		const target = url.replace(/^https:\/\/graph\.microsoft\.com/, this.baseUrl);
		context.response = await fetch(target, context.options as RequestInit);
	}
}

/**
 * The real Graph SDK client pointed at the fake the way the brief verified: baseUrl stays https so the
 * AuthenticationHandler attaches the bearer; the fetch at the end of the chain rewrites the host.
 */
export function sdkClient(
	baseUrl: string,
	token: () => string,
	options: { retryDelaySeconds?: number } = {},
): Client {
	const auth = new AuthenticationHandler({ getAccessToken: async () => token() });
	const retry = new RetryHandler(new RetryHandlerOptions(options.retryDelaySeconds ?? 0, 3));
	const redirect = new RedirectHandler(new RedirectHandlerOptions());
	const telemetry = new TelemetryHandler();
	const fetchHandler = new RewritingFetchHandler(baseUrl);
	auth.setNext(retry);
	retry.setNext(redirect);
	redirect.setNext(telemetry);
	telemetry.setNext(fetchHandler);
	return Client.initWithMiddleware({ middleware: auth });
}
