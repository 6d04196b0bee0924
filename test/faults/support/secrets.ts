import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import { LoggerProxy, type IDataObject } from 'n8n-workflow';
import type { FakeAuth } from '../../fakes/common/auth';
import type { RunResult } from '../../harness/workflow';

/**
 * Secrets check (DESIGN.md 6b): everything the suite produced that a user or an operator could see (console
 * lines, n8n's logger, error messages and descriptions, output items, the whole run data n8n would save) is
 * kept, then searched for every access token, refresh token and client secret the fakes issued or the
 * credentials held. A hit fails the file.
 */

export const CLIENT_SECRETS = ['fake-client-secret'];

type Level = 'log' | 'info' | 'warn' | 'error' | 'debug';
const LEVELS: Level[] = ['log', 'info', 'warn', 'error', 'debug'];

/** Serialises errors with their non-enumerable message and stack (JSON.stringify drops them). */
function stringify(value: unknown): string {
	const seen = new WeakSet<object>();
	return (
		JSON.stringify(value, (_key, current: unknown) => {
			if (current && typeof current === 'object') {
				if (seen.has(current)) return '[circular]';
				seen.add(current);
				if (current instanceof Error) {
					const own: IDataObject = {};
					for (const key of Object.getOwnPropertyNames(current))
						own[key] = (current as unknown as IDataObject)[key];
					return { name: current.name, message: current.message, stack: current.stack, ...own };
				}
				if (Buffer.isBuffer(current)) return `[buffer ${current.length}]`;
			}
			return typeof current === 'bigint' ? String(current) : current;
		}) ?? String(value)
	);
}

export class SecretSweep {
	private readonly texts: string[] = [];
	private readonly authorities = new Set<FakeAuth>();
	private readonly extraSecrets = new Set<string>(CLIENT_SECRETS);
	private readonly restore: Array<() => void> = [];

	/** Starts capturing console output and n8n's loggers (LoggerProxy and the DI Logger nodes get as this.logger). */
	install(): this {
		for (const level of LEVELS) {
			const original = console[level];
			console[level] = (...args: unknown[]) => {
				this.texts.push(
					args.map((arg) => (typeof arg === 'string' ? arg : stringify(arg))).join(' '),
				);
				// The suite stays quiet except for its table (the one line the report prints itself).
				if (
					level === 'log' &&
					typeof args[0] === 'string' &&
					args[0].startsWith('# Fault suite results')
				)
					original.apply(console, args);
			};
			this.restore.push(() => (console[level] = original));
		}
		const capture = (level: string) => (message: unknown, meta?: unknown) => {
			this.texts.push(
				`${level} ${typeof message === 'string' ? message : stringify(message)} ${meta === undefined ? '' : stringify(meta)}`,
			);
		};
		const logger = {
			error: capture('error'),
			warn: capture('warn'),
			info: capture('info'),
			debug: capture('debug'),
			verbose: capture('verbose'),
			scoped: () => logger,
		};
		LoggerProxy.init(logger as never);
		Container.set(Logger, logger as unknown as Logger);
		return this;
	}

	uninstall(): void {
		for (const undo of this.restore.splice(0)) undo();
	}

	/** Every token this authority issues, before or after this call, is searched for. */
	watch(auth: FakeAuth): void {
		this.authorities.add(auth);
	}

	secret(value: string): void {
		this.extraSecrets.add(value);
	}

	/** A run: its whole run data (outputs, errors, node parameters), as n8n would save the execution. */
	run(result: RunResult): void {
		this.texts.push(stringify(result.run));
		if (result.error) this.error(result.error);
		if (result.newStaticData) this.texts.push(stringify(result.newStaticData));
	}

	error(error: unknown): void {
		this.texts.push(stringify(error));
	}

	text(value: unknown): void {
		this.texts.push(typeof value === 'string' ? value : stringify(value));
	}

	get captured(): number {
		return this.texts.length;
	}

	secrets(): string[] {
		const all = new Set(this.extraSecrets);
		for (const auth of this.authorities) for (const token of auth.issuedSecrets) all.add(token);
		return [...all];
	}

	/**
	 * Which secrets appear where (a short excerpt around each hit, with the secret itself masked). Long secrets
	 * (real token shapes run to 1,500 characters) are also searched by 40-character pieces: an echo cut short
	 * (a service quoting the first 130 characters) is a leak too.
	 */
	findLeaks(): string[] {
		const leaks: string[] = [];
		for (const secret of this.secrets()) {
			const pieces =
				secret.length >= 80
					? [
							secret,
							...[0, 40, Math.floor(secret.length / 2)].map((at) => secret.slice(at, at + 40)),
						]
					: [secret];
			for (const text of this.texts) {
				const at = pieces.map((piece) => text.indexOf(piece)).find((index) => index >= 0) ?? -1;
				if (at >= 0) {
					leaks.push(
						`${secret.slice(0, 12)}… in: ${text.slice(Math.max(0, at - 80), at).replace(/\s+/g, ' ')}[SECRET]`,
					);
					break;
				}
			}
		}
		return leaks;
	}
}
