import { Container } from '@n8n/di';
import { rmSync } from 'fs';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import { join } from 'path';

/**
 * BENCH_BINARY=filesystem: n8n keeps the items' binary data on disk (filesystem mode, n8n 2.x's default; items
 * carry only an id), as test/nodes/exportToFolder.binary.test.ts sets it up; without it the items' content is
 * inline (the in-memory mode: n8n's binary data service is not initialised). It holds for the whole bench process:
 * once the service is initialised, every node run stores its binary data on disk.
 */
export const FILES_ON_DISK = process.env.BENCH_BINARY === 'filesystem';

let ready: Promise<void> | undefined;

/** Initialises n8n's binary data service when the bench keeps files on disk; nothing otherwise. */
export async function binaryModeReady(): Promise<void> {
	if (!FILES_ON_DISK) return;
	ready ??= Container.get(BinaryDataService).init();
	await ready;
}

/**
 * Removes the files every run's upstream node wrote (n8n deletes an execution's binary data after it; the harness
 * does not): 100,000 records leave 200,000 files a run, which would pile up in the tmpfs run after run.
 */
export function removeExecutionFiles(): void {
	if (!FILES_ON_DISK) return;
	const root = Container.get(BinaryDataConfig).localStoragePath;
	rmSync(join(root, 'workflows'), { recursive: true, force: true });
}

/** What the figures' subjects add in this mode (nothing in the default one, so the README's table keeps its rows). */
export const BINARY_MODE_SUFFIX = FILES_ON_DISK ? ', files on disk' : '';
