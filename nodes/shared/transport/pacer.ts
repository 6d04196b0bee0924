/**
 * One pacer shapes every call of every provider (after rclone's lib/pacer): exponential backoff with full
 * jitter, `Retry-After` always honoured, a bounded number of attempts, and a cap on how long one run may wait.
 */

export type RetryDecision =
	{ retry: false } | { retry: true; reason: string; retryAfterMs?: number; status?: number };

export interface PacerOptions {
	/** Attempts per logical request, the first included. */
	maxAttempts: number;
	/** First backoff step. */
	baseDelayMs: number;
	/** Largest backoff step (before jitter). */
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the run stops cleanly and resumes next time. */
	maxRetryAfterMs: number;
	sleep: (ms: number) => Promise<void>;
	random: () => number;
}

export const DEFAULT_PACER_OPTIONS: PacerOptions = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 32_000,
	maxRetryAfterMs: 120_000,
	sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
	random: Math.random,
};

/** Thrown when the server asks us to wait longer than a run may (attempts that run out hand back the last answer). */
export class RetryBudgetExceededError extends Error {
	constructor(
		message: string,
		readonly retryAfterMs: number | undefined,
		readonly lastStatus: number | undefined,
	) {
		super(message);
		this.name = 'RetryBudgetExceededError';
	}
}

/** Parse Retry-After: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class Pacer {
	readonly options: PacerOptions;

	constructor(options: Partial<PacerOptions> = {}) {
		this.options = { ...DEFAULT_PACER_OPTIONS, ...options };
	}

	/** The wait before attempt `attempt + 1` (attempt counts from 1). */
	backoff(attempt: number, retryAfterMs?: number): number {
		if (retryAfterMs !== undefined) return retryAfterMs;
		const ceiling = Math.min(
			this.options.maxDelayMs,
			this.options.baseDelayMs * 2 ** (attempt - 1),
		);
		// Full jitter, but never less than half the step so a storm cannot hammer the server.
		return Math.round(ceiling / 2 + (this.options.random() * ceiling) / 2);
	}

	/**
	 * Run `attempt` until `decide` says the outcome is final. Network errors are retried when `retryError`
	 * says so. Returns the last outcome (which may still be an error response: the caller maps it).
	 */
	async run<T>(
		attempt: (n: number) => Promise<T>,
		decide: (outcome: T) => RetryDecision,
		retryError: (error: unknown) => boolean,
	): Promise<T> {
		for (let n = 1; ; n++) {
			let outcome: T;
			try {
				outcome = await attempt(n);
			} catch (error) {
				if (n >= this.options.maxAttempts || !retryError(error)) throw error;
				await this.options.sleep(this.backoff(n));
				continue;
			}
			const decision = decide(outcome);
			if (!decision.retry) return outcome;
			if (
				decision.retryAfterMs !== undefined &&
				decision.retryAfterMs > this.options.maxRetryAfterMs
			) {
				throw new RetryBudgetExceededError(
					`The service asked to wait ${Math.ceil(decision.retryAfterMs / 1000)} s ` +
						`(${decision.reason}); stopping this run so the next one resumes`,
					decision.retryAfterMs,
					decision.status,
				);
			}
			if (n >= this.options.maxAttempts) return outcome;
			await this.options.sleep(this.backoff(n, decision.retryAfterMs));
		}
	}
}

const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'EPIPE',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ECONNABORTED',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

/** True for errors that mean "the connection failed", never for HTTP answers. */
export function isNetworkError(error: unknown): boolean {
	let current: any = error;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && RETRYABLE_NETWORK_CODES.has(current.code)) return true;
		// Through n8n the socket error arrives as a NodeApiError that keeps the code only in httpCode.
		if (typeof current.httpCode === 'string' && RETRYABLE_NETWORK_CODES.has(current.httpCode))
			return true;
		if (
			typeof current.message === 'string' &&
			/socket hang up|aborted|ECONNRESET|premature close/i.test(current.message)
		) {
			return true;
		}
		current = current.cause;
	}
	return false;
}
