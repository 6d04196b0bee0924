import fc from 'fast-check';
import { ledgerOptions } from './support/ledgerOptions';
import type { IDataObject } from 'n8n-workflow';
import { idFingerprint } from '../../nodes/shared/state/collectRecords';
import { collectStateSchema, type CollectState } from '../../nodes/shared/state/collectState';
import {
	collectStateWarning,
	validateCollectState,
	type CheckedCollectState,
} from '../../nodes/shared/state/collectValidation';
import {
	decodeExportState,
	emptyExportState,
	encodeExportState,
	EXPORT_STATE_VERSION,
	exportStateSchema,
	shortFingerprint,
	type ExportState,
	type StoredExportState,
} from '../../nodes/shared/state/exportState';
import {
	exportStateWarning,
	validateStoredExportState,
} from '../../nodes/shared/state/exportValidation';
import { fingerprint } from '../../nodes/shared/state/fingerprint';
import { checkStoredState, StateTooNewError } from '../../nodes/shared/state/staticData';
import type { Change, ChangeBatch, RemoteItem } from '../../nodes/shared/storage/types';
import { nameFingerprint } from '../../nodes/shared/sync/exportChanges';
import { startingState } from '../../nodes/shared/sync/exportDecisions';
import {
	planExport,
	type ExportPolicy,
	type ExportRecordInput,
} from '../../nodes/shared/sync/exportPlan';
import {
	applyRun,
	planCollect,
	type LedgerOptions,
	type Outcome,
} from '../../nodes/shared/sync/collectLedger';

/**
 * Issue 18 point 5: static data is checked before use. Plain-data cases for each validator, then a property test
 * that damages valid states at random (fields deleted, types swapped, entries replaced by garbage) and runs the
 * planners on what the validator kept, as the node would: never a raw error, never a second upload or delivery of
 * what the valid state had recorded, and every damage reported.
 */

// ------------------------------------------------------------------------------------------------ Export to Folder

const policy: ExportPolicy = {
	onContentChanged: 'replace',
	onFileDeleted: 'reupload',
	onFolderDeleted: 'stop',
	caseInsensitive: true,
	duplicateNames: false,
	massDeleteMinimum: 3,
	acceptMassDeletion: false,
};
const ROOT_REF = 'root-ref';
const FOLDERS = ['', 'Acme', 'Acme/2026', 'Beta', 'Beta/2026', 'Beta/2027'];
const receipts: ExportRecordInput[] = Array.from({ length: 8 }, (_, i) => ({
	index: i,
	recordKey: `r${i}`,
	name: `r${i}.pdf`,
	folder: FOLDERS[i % FOLDERS.length],
	contentHash: `hash-r${i}`,
	size: 10,
}));

/** The state after exporting `receipts`, and the destination's full listing of what that export left. */
function exportedState(): { state: ExportState; listing: ChangeBatch } {
	const state = emptyExportState();
	state.rootId = 'root';
	state.rootRef = ROOT_REF;
	state.cursor = 'c0';
	state.node = 'Export';
	const changes: Change[] = [];
	for (const path of FOLDERS.slice(1)) {
		state.folders.push({ path, id: `folder-${path}` });
		changes.push({
			type: 'upsert',
			item: { id: `folder-${path}`, name: path.split('/').pop()!, isFolder: true, path },
		});
	}
	for (const r of receipts) {
		const keyFp = fingerprint(r.recordKey);
		const folder = r.folder === '' ? -1 : state.folders.findIndex((f) => f?.path === r.folder);
		state.records.set(keyFp, {
			keyFp,
			contentFp: shortFingerprint(r.contentHash),
			nameFp: nameFingerprint(r.name, true),
			folder,
			status: 'live',
			id: `file-${r.recordKey}`,
		});
		const path = r.folder ? `${r.folder}/${r.name}` : r.name;
		changes.push({
			type: 'upsert',
			item: {
				id: `file-${r.recordKey}`,
				name: r.name,
				isFolder: false,
				path,
				hash: r.contentHash,
				parentId: r.folder ? `folder-${r.folder}` : 'root',
			},
		});
	}
	state.stopped = ['Gone'];
	return { state, listing: { changes, cursor: 'c1', snapshot: true } };
}

const stored = (): StoredExportState =>
	JSON.parse(JSON.stringify(encodeExportState(exportedState().state))) as StoredExportState;

describe('Export to Folder state validation (plain data)', () => {
	it('a valid state passes unchanged, without a problem', () => {
		const checked = validateStoredExportState(stored());
		expect(checked.problems).toEqual([]);
		expect(checked.state).toEqual(stored());
	});

	it('records that are not text: all dropped, the cursor too (this run lists the destination)', () => {
		const checked = validateStoredExportState({ ...stored(), records: 12345 as unknown as string });
		expect(checked.problems).toEqual(['its list of exported records could not be read']);
		expect(checked.state.records).toBe('');
		expect(checked.state.cursor).toBeUndefined();
		expect(checked.state.folders).toEqual(stored().folders);
	});

	it('one garbled record entry is dropped alone; the others are kept', () => {
		const entries = stored().records.split('|');
		entries[2] = '#garbage';
		const checked = validateStoredExportState({ ...stored(), records: entries.join('|') });
		expect(checked.problems).toEqual(['1 exported record of 8 could not be read']);
		expect(decodeExportState(checked.state).records.size).toBe(7);
		expect(checked.state.cursor).toBeUndefined();
	});

	it('an unknown status code, a folder index past the table, a broken id escape: each entry dropped', () => {
		const [a, b, c, ...rest] = stored().records.split('|');
		// Version 2 entries: 12 + 8 + 8 fingerprint characters, the place (one character, or '-' status folder '.'), the id.
		const badStatus = `${a.slice(0, 28)}-Q.${a.slice(29)}`;
		const badFolder = `${b.slice(0, 28)}z${b.slice(29)}`;
		const badId = `${c.slice(0, 29)}%E0%A4%A`;
		const checked = validateStoredExportState({
			...stored(),
			records: [badStatus, badFolder, badId, ...rest].join('|'),
		});
		expect(checked.problems).toEqual(['3 exported records of 8 could not be read']);
		expect(decodeExportState(checked.state).records.size).toBe(5);
	});

	it('a garbled folder keeps its place as a hole, and the records in it are dropped (rebuilt), not taken for deleted', () => {
		const folders = [...stored().folders];
		folders[1] = 42 as unknown as string;
		const checked = validateStoredExportState({ ...stored(), folders });
		expect(checked.problems).toEqual([
			'1 cached folder of 5 could not be read',
			'1 exported record of 8 could not be read',
		]);
		const state = decodeExportState(checked.state);
		expect(state.folders[1]).toBeUndefined();
		expect(state.folders[2]).toEqual({ id: 'folder-Beta', path: 'Beta' });
		expect([...state.records.values()].every((r) => r.folder !== 1)).toBe(true);
	});

	it('stopped folders that are not a list are forgotten (as with a lost state); the cursor stays', () => {
		const checked = validateStoredExportState({ ...stored(), stopped: 7 as unknown as string[] });
		expect(checked.problems).toEqual([
			'its list of stopped folders could not be read (those folders are exported into again)',
		]);
		expect(checked.state.stopped).toEqual([]);
		expect(checked.state.cursor).toBe('c0');
	});

	it('a state that is not an object: empty, said', () => {
		const checked = checkStoredState('garbage', exportStateSchema);
		expect(checked.state).toEqual(exportStateSchema.empty());
		expect(checked.problems[0]).toMatch(/not an object/);
	});

	it('a newer version stops with an error saying what to do; an older shape is migrated then checked', () => {
		expect(() =>
			checkStoredState({ ...stored(), v: EXPORT_STATE_VERSION + 1 }, exportStateSchema),
		).toThrow(StateTooNewError);
		expect(() =>
			checkStoredState({ ...stored(), v: EXPORT_STATE_VERSION + 1 }, exportStateSchema),
		).toThrow(new RegExp(`version ${EXPORT_STATE_VERSION + 1}.*Use the version`));
		const unversioned = checkStoredState(
			{ ...stored(), v: undefined, records: 5 },
			exportStateSchema,
		);
		expect(unversioned.state.records).toBe('');
		expect(unversioned.state.cursor).toBeUndefined();
		expect(unversioned.problems).toEqual([
			'its version number was missing',
			'its list of exported records could not be read',
		]);
		const older = checkStoredState({ ...stored(), v: 0 }, exportStateSchema);
		expect(older.state.folders).toEqual(stored().folders);
	});

	it('the warning names the node, what was wrong and that nothing is uploaded twice', () => {
		const text = exportStateWarning('Export', ['its list of exported records could not be read']);
		expect(text).toMatch(
			/^Export to Folder "Export": its saved state was damaged \(its list of exported records could not be read\)/,
		);
		expect(text).toMatch(/not uploaded again/);
	});

	it('checks 100,000 records in well under a second', () => {
		const big: string[] = [];
		for (let i = 0; i < 100_000; i++)
			big.push(
				`${fingerprint(`k${i}`)}${shortFingerprint(`c${i}`)}${shortFingerprint(`n${i}`)}${i % 7 ? (i % 5) + 1 : `-D${(i % 5).toString(36)}.`}1${fingerprint(`id${i}`)}${fingerprint(`id2${i}`)}`,
			);
		// CPU time, not wall time: the machine running npm test is shared.
		const before = process.cpuUsage();
		const checked = validateStoredExportState({
			...stored(),
			idPrefix: undefined,
			idForm: undefined,
			records: big.join('|'),
		});
		const used = process.cpuUsage(before);
		const ms = (used.user + used.system) / 1000;
		expect(checked.problems).toEqual([]);
		expect(ms).toBeLessThan(1000);
	});
});

// ---------------------------------------------------------------------------------------------- Collect New Files

const FOLDER = { key: 'folder-key', id: 'folder-id', name: 'Inbox' };
const file = (id: string): RemoteItem => ({
	id,
	name: `${id}.pdf`,
	path: `${id}.pdf`,
	isFolder: false,
	size: 10,
	hash: `h-${id}`,
	modifiedAt: '2026-01-10T10:00:00Z',
});
const collectedFiles = ['f0', 'f1', 'f2', 'f3', 'f4'].map(file);
const knownFiles = ['k0', 'k1'].map(file);

/** A Collect state after a first run that found k0, k1 ("from now") and a second that collected f0..f4. */
function collectedState(): CollectState {
	const empty = collectStateSchema.empty();
	const first = { execution: 'e1', now: '2026-02-01T09:00:00Z', firstRun: true };
	const baseline = planCollect(
		empty,
		{ changes: knownFiles.map((item) => ({ type: 'upsert', item })), cursor: 'c0', snapshot: true },
		first,
		{ ...ledgerOptions(), firstRun: { mode: 'now' } },
	);
	const afterFirst = {
		...applyRun(empty, { plan: baseline, outcomes: new Map() }, first, ledgerOptions()),
		cursor: 'c0',
		folder: FOLDER,
	};
	const second = { execution: 'e2', now: '2026-02-02T09:00:00Z', firstRun: false };
	const plan = planCollect(
		afterFirst,
		{ changes: collectedFiles.map((item) => ({ type: 'upsert', item })), cursor: 'c1' },
		second,
		ledgerOptions(),
	);
	const outcomes = new Map<string, Outcome>(plan.collect.map((c) => [c.idFp, 'emitted']));
	return {
		...applyRun(afterFirst, { plan, outcomes }, second, ledgerOptions()),
		cursor: 'c1',
		node: 'Collect',
	};
}

describe('Collect New Files state validation (plain data)', () => {
	it('a valid state passes unchanged, without a problem', () => {
		const state = collectedState();
		expect(state.collected.length).toBe(5 * 24);
		const checked = validateCollectState(JSON.parse(JSON.stringify(state)) as CollectState);
		expect(checked.problems).toEqual([]);
		expect(checked.startOver).toBe(false);
		expect(checked.state).toEqual(state);
	});

	it('a collected ledger that is not text: start over from now (cursor dropped so the folder is listed)', () => {
		const checked = validateCollectState({
			...collectedState(),
			collected: 42 as unknown as string,
		});
		expect(checked.startOver).toBe(true);
		expect(checked.state.cursor).toBeUndefined();
		expect(checked.state.known).toBe(collectedState().known);
		expect(checked.problems).toEqual(['its list of collected files could not be read']);
	});

	it('a ledger cut out of its 24-character rhythm is unreadable as a whole', () => {
		const checked = validateCollectState({
			...collectedState(),
			collected: collectedState().collected.slice(5),
		});
		expect(checked.startOver).toBe(true);
	});

	it('one garbled entry with the feed intact: the others kept, no start-over', () => {
		const state = collectedState();
		const checked = validateCollectState({
			...state,
			collected: `${'!'.repeat(24)}${state.collected.slice(24)}`,
		});
		expect(checked.startOver).toBe(false);
		expect(checked.state.cursor).toBe('c1');
		expect(checked.state.collected).toBe(state.collected.slice(24));
		expect(checked.problems).toEqual([
			'1 entry of 5 in its list of collected files could not be read',
		]);
	});

	it('one garbled entry while the folder is to be listed (no cursor): start over, since the lost one would look new', () => {
		const { cursor: _cursor, ...state } = collectedState();
		const checked = validateCollectState({
			...state,
			collected: `${'!'.repeat(24)}${state.collected.slice(24)}`,
		});
		expect(checked.startOver).toBe(true);
	});

	it('pending, history, retry and count: bad entries dropped, the ledger untouched', () => {
		const state = collectedState();
		const checked = validateCollectState({
			...state,
			pending: 5 as unknown as CollectState['pending'],
			history: [
				...state.history.slice(0, 2),
				{ id: 7 } as unknown as CollectState['history'][number],
			],
			retry: [
				{ id: 'x', attempts: -1 },
				{ id: 'y', attempts: 2 },
			],
			total: 'many' as unknown as number,
		});
		expect(checked.startOver).toBe(false);
		expect(checked.state.pending).toEqual([]);
		expect(checked.state.history).toHaveLength(2);
		expect(checked.state.retry).toEqual([{ id: 'y', attempts: 2 }]);
		expect(checked.state.total).toBe(2);
		expect(checked.state.collected).toBe(state.collected);
		expect(checked.problems).toHaveLength(4);
	});

	it('not an object: start over; a newer version: an error, never read', () => {
		expect((checkStoredState([1, 2], collectStateSchema) as CheckedCollectState).startOver).toBe(
			true,
		);
		expect(() => checkStoredState({ ...collectedState(), v: 7 }, collectStateSchema)).toThrow(
			/version 7/,
		);
	});

	it('the warning names the node, says it started over, and what to do about older files', () => {
		const text = collectStateWarning('Collect', {
			problems: ['its list of collected files could not be read'],
			startOver: true,
		});
		expect(text).toMatch(/^Collect New Files "Collect": its saved state was damaged/);
		expect(text).toMatch(/started over from now/);
		expect(text).toMatch(/add it to the folder again/);
	});
});

// ------------------------------------------------------------------------------------------- random damage

/** Text that can never pass for a well-formed entry (no check can tell a well-formed fake entry from a real one). */
const garbageText = fc.string({ maxLength: 30 }).map((s) => `#${s}`);
const wrongType = fc.oneof(
	fc.integer(),
	fc.boolean(),
	fc.constant(null),
	fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
	fc.array(fc.integer(), { maxLength: 3 }),
	garbageText,
);

type Damage = (state: IDataObject) => unknown;

function damages(
	fields: string[],
	listFields: string[],
	textListFields: string[],
): fc.Arbitrary<Damage[]> {
	const one: fc.Arbitrary<Damage> = fc.oneof(
		fc.constantFrom(...fields).map((field): Damage => (state) => {
			const { [field]: _gone, ...rest } = state;
			return rest;
		}),
		fc
			.tuple(fc.constantFrom(...fields), wrongType)
			.map(([field, value]): Damage => (state) => ({ ...state, [field]: value })),
		fc
			.tuple(fc.constantFrom(...listFields), fc.nat(), wrongType)
			.map(([field, at, value]): Damage => (state) => {
				const list = state[field];
				if (!Array.isArray(list) || list.length === 0) return state;
				const copy = [...list];
				copy[at % copy.length] = value;
				return { ...state, [field]: copy };
			}),
		fc
			.tuple(fc.constantFrom(...textListFields), fc.nat(), garbageText)
			.map(([field, at, value]): Damage => (state) => {
				const text = state[field];
				if (typeof text !== 'string' || text === '') return state;
				if (field === 'records') {
					const entries = text.split('|');
					entries[at % entries.length] = value;
					return { ...state, [field]: entries.join('|') };
				}
				// Fixed-width records: garble characters of one record in place, or cut the text short.
				const start = (at % (text.length / 24)) * 24;
				return at % 3 === 0
					? { ...state, [field]: text.slice(0, text.length - 1 - (at % 23)) }
					: {
							...state,
							[field]: `${text.slice(0, start)}${'~'.repeat(24)}${text.slice(start + 24)}`,
						};
			}),
		fc.constant((): unknown => 'garbage'),
	);
	return fc.array(one, { minLength: 1, maxLength: 4 });
}

const apply = (state: unknown, list: Damage[]): unknown =>
	list.reduce(
		(s, damage) =>
			typeof s === 'object' && s !== null && !Array.isArray(s) ? damage(s as IDataObject) : s,
		state,
	);

describe('damaged states, at random', () => {
	it('Export to Folder: never a raw error, never a second upload of a file the destination holds, damage always said', () => {
		const { state, listing } = exportedState();
		const valid = JSON.parse(JSON.stringify(encodeExportState(state))) as IDataObject;
		fc.assert(
			fc.property(
				damages(
					['v', 'kind', 'node', 'rootRef', 'root', 'cursor', 'folders', 'stopped', 'records'],
					['folders', 'stopped'],
					['records'],
				),
				(list) => {
					const damaged = apply(valid, list);
					let checked;
					try {
						checked = checkStoredState(damaged, exportStateSchema);
					} catch (error) {
						// Only a version number from the future stops the run.
						expect(error).toBeInstanceOf(StateTooNewError);
						expect((damaged as IDataObject).v).toBeGreaterThan(1);
						return;
					}
					const start = startingState(decodeExportState(checked.state), ROOT_REF, 'Export');
					// As the runner reads changes: the feed from the cursor (nothing changed there), else a full listing.
					const batch: ChangeBatch = start.cursor ? { changes: [], cursor: 'c1' } : listing;
					const plan = planExport(receipts, start, batch, policy);
					const uploads = plan.items.filter(
						(item) => item.action === 'created' || item.action === 'reuploaded',
					);
					expect(uploads.map((item) => item.recordKey)).toEqual([]);
					expect(plan.massDelete).toBeUndefined();
					if (
						JSON.stringify(checked.state) !== JSON.stringify(valid) &&
						checked.problems.length === 0
					) {
						// Only optional parts may vanish unsaid (a node name, the root id, the cursor); the rest is rebuilt.
						expect(
							Object.keys(valid).filter((key) => !(key in (damaged as IDataObject))),
						).not.toContain('records');
					}
				},
			),
			{ numRuns: 600, seed: 1805 },
		);
	});

	it('Collect New Files: never a raw error, never a second delivery of a collected or known file, damage always said', () => {
		const valid = JSON.parse(JSON.stringify({ ...collectedState(), v: 1 })) as IDataObject;
		const all = [...collectedFiles, ...knownFiles];
		const seen = new Set(all.map((item) => idFingerprint(item.id)));
		fc.assert(
			fc.property(
				damages(
					[
						'v',
						'kind',
						'node',
						'folder',
						'cursor',
						'drain',
						'collected',
						'known',
						'pending',
						'history',
						'total',
						'retry',
						'moveTarget',
					],
					['history', 'pending'],
					['collected', 'known'],
				),
				(list) => {
					const damaged = apply(valid, list);
					let checked: CheckedCollectState;
					try {
						checked = checkStoredState(damaged, collectStateSchema) as CheckedCollectState;
					} catch (error) {
						expect(error).toBeInstanceOf(StateTooNewError);
						return;
					}
					// As the node runs: a start-over is a first run "from now"; another folder key is found again (no cursor).
					const options: LedgerOptions = checked.startOver
						? { ...ledgerOptions(), firstRun: { mode: 'now' } }
						: ledgerOptions();
					let state = checked.state;
					if (state.folder?.key !== FOLDER.key) {
						state = { ...state, folder: FOLDER };
						delete state.cursor;
						delete state.drain;
					}
					const newcomer = file('n0');
					const batch: ChangeBatch =
						state.cursor && state.drain !== 'listing'
							? { changes: [{ type: 'upsert', item: newcomer }], cursor: 'c2' }
							: {
									changes: [...all, newcomer].map((item) => ({ type: 'upsert' as const, item })),
									cursor: 'c2',
									snapshot: true,
								};
					const run = { execution: 'e3', now: '2026-02-03T09:00:00Z', firstRun: !state.cursor };
					const plan = planCollect(state, batch, run, options);
					expect(plan.collect.filter((c) => seen.has(c.idFp)).map((c) => c.item.id)).toEqual([]);
					const outcomes = new Map<string, Outcome>(plan.collect.map((c) => [c.idFp, 'emitted']));
					applyRun(state, { plan, outcomes }, run, options);
					// Every saved state has these; a missing folder may be legitimate (a ledger operation before any run).
					const damagedLedger = [
						'collected',
						'known',
						'folder',
						'pending',
						'history',
						'total',
					].some((field) => {
						const now = (damaged as IDataObject)?.[field];
						return (
							JSON.stringify(now) !== JSON.stringify(valid[field]) &&
							!(field === 'folder' && now === undefined)
						);
					});
					if (damagedLedger || typeof damaged !== 'object')
						expect(checked.problems.length).toBeGreaterThan(0);
				},
			),
			{ numRuns: 600, seed: 1805 },
		);
	});
});
