import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, readdirSync, rmdirSync } from 'fs';
import { mkdir, rm, writeFile } from 'fs/promises';
import { join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const NETNS_ETC = '/etc/netns';

/**
 * A network namespace of the bench's own: only a loopback interface, and an /etc/hosts of its own that
 * `ip netns exec` bind-mounts over /etc/hosts for every process started in it. Needs root.
 */
export class BenchNamespace {
	readonly name = `cloudsync-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
	private created = false;
	private madeEtcDir = false;

	static async available(): Promise<string | undefined> {
		if (process.platform !== 'linux') return 'needs Linux network namespaces';
		if (process.getuid?.() !== 0) return 'needs root (ip netns add)';
		try {
			await run('ip', ['netns', 'list']);
		} catch (error) {
			return `ip netns unavailable: ${(error as Error).message}`;
		}
		return undefined;
	}

	async create(hosts: string): Promise<void> {
		this.madeEtcDir = !existsSync(NETNS_ETC);
		await mkdir(join(NETNS_ETC, this.name), { recursive: true });
		await writeFile(join(NETNS_ETC, this.name, 'hosts'), hosts);
		await run('ip', ['netns', 'add', this.name]);
		this.created = true;
		await run('ip', ['netns', 'exec', this.name, 'ip', 'link', 'set', 'lo', 'up']);
	}

	/** The argv prefix that runs a command inside the namespace. */
	exec(command: string, args: string[]): [string, string[]] {
		return ['ip', ['netns', 'exec', this.name, command, ...args]];
	}

	/** Remove the namespace and its /etc/netns entry; safe to call twice, and after a failed create. */
	async remove(): Promise<void> {
		if (this.created) {
			await run('ip', ['netns', 'del', this.name]).catch(() => undefined);
			this.created = false;
		}
		await rm(join(NETNS_ETC, this.name), { recursive: true, force: true });
		if (this.madeEtcDir && existsSync(NETNS_ETC) && readdirSync(NETNS_ETC).length === 0)
			rmdirSync(NETNS_ETC);
	}
}
