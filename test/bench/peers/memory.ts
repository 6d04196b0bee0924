import { readFile, writeFile } from 'fs/promises';

/**
 * The kernel's peak resident set of a process over one run: reset the high-water mark (writing 5 to
 * /proc/<pid>/clear_refs, Linux 4.0+), run, read VmHWM. Exact, no sampling gaps.
 */
export async function resetPeakRss(pid: number): Promise<void> {
	await writeFile(`/proc/${pid}/clear_refs`, '5');
}

export async function peakRssMiB(pid: number): Promise<number> {
	return await statusMiB(pid, 'VmHWM');
}

export async function currentRssMiB(pid: number): Promise<number> {
	return await statusMiB(pid, 'VmRSS');
}

async function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
	if (!match) throw new Error(`no ${field} for process ${pid}`);
	return Number(match[1]) / 1024;
}
