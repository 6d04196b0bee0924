import { randomBytes } from 'crypto';
import type { ServerResponse } from 'http';
import type { FakeAuth } from '../common/auth';
import { FakeServer, type ErrorShape, type FakeRequest } from '../common/server';
import { parseRange } from '../common/range';
import {
	boolArg,
	COMMIT_FIELDS,
	headerSafeJson,
	intArg,
	parseArgs,
	pathArg,
	unionTag,
} from './args';
import { BlobStore, type Blob, type BlobWriter } from './blobs';
import {
	badRequest,
	DropboxApiError,
	endpointError,
	fail,
	lookupError,
	type Tagged,
} from './errors';
import { TOKEN_PATHS, tokenAnswer } from './token';
import { notModelled } from '../common/notModelled';
import {
	lower,
	nowSeconds,
	Tree,
	TreeError,
	type Node,
	type TreeChange,
	type WriteMode,
} from './tree';
import {
	DeletedRevisions,
	listRevisions,
	restore,
	userRestoreFile,
	userRestoreFolder,
	type RevisionHost,
} from './revisions';

/** Largest body of one upload request (files/upload or one session request). */
export const MAX_REQUEST_BYTES = 150 * 1024 * 1024;

const METADATA_READ = 'files.metadata.read';
const CONTENT_READ = 'files.content.read';
const CONTENT_WRITE = 'files.content.write';

const ROUTE_SCOPES: Record<string, string> = {
	'files/list_folder': METADATA_READ,
	'files/list_folder/continue': METADATA_READ,
	'files/list_folder/get_latest_cursor': METADATA_READ,
	'files/get_metadata': METADATA_READ,
	'files/search_v2': METADATA_READ,
	'files/download': CONTENT_READ,
	'files/upload': CONTENT_WRITE,
	'files/upload_session/start': CONTENT_WRITE,
	'files/upload_session/append_v2': CONTENT_WRITE,
	'files/upload_session/finish': CONTENT_WRITE,
	'files/upload_session/finish_batch_v2': CONTENT_WRITE,
	'files/create_folder_v2': CONTENT_WRITE,
	'files/delete_v2': CONTENT_WRITE,
	'files/move_v2': CONTENT_WRITE,
	'files/list_revisions': METADATA_READ,
	'files/restore': CONTENT_WRITE,
	'users/get_space_usage': 'account_info.read',
	'users/get_current_account': 'account_info.read',
};

const CONTENT_ROUTES = new Set([
	'files/upload',
	'files/upload_session/start',
	'files/upload_session/append_v2',
	'files/upload_session/finish',
	'files/download',
]);
const UPLOAD_ROUTES = new Set([
	'files/upload',
	'files/upload_session/start',
	'files/upload_session/append_v2',
	'files/upload_session/finish',
]);

export const ALL_SCOPES = [METADATA_READ, CONTENT_READ, CONTENT_WRITE, 'account_info.read'];

export interface FakeDropboxOptions {
	/** Access type of the app: an app-folder app sees only /Apps/<appFolder>, with paths relative to it. */
	appFolder?: string;
}

/** A cut of the next upload request that the fake itself performs, after storing what it received. */
export interface UploadCut {
	/** Route suffix to match ("append_v2", "upload", ...); any upload route when absent. */
	route?: string;
	afterBytes: number;
	/** Keep the bytes received before the cut in the session (the next append then meets incorrect_offset). */
	keepReceived: boolean;
}

interface Session {
	id: string;
	writer: BlobWriter;
	closed: boolean;
}

interface CursorState {
	/** epoch */
	e: number;
	/** journal seq the cursor has seen */
	s: number;
	/** scope: absolute lower path */
	p: string;
	r: boolean;
	d: boolean;
	l?: number;
	/** pending page id while a listing is being paged */
	q?: string;
}

type Metadata = Record<string, unknown>;

/**
 * Dropbox API v2 on one loopback port (RPC and content routes alike; the transport maps both hosts here).
 * See research/api-brief.md section 3 for the behaviour it copies.
 */
export class FakeDropbox extends FakeServer {
	/** The benchmark's floor: a body stored like upload content (content_hash, spilled to disk), then dropped. */
	protected override async sink(body: AsyncIterable<Buffer>): Promise<number> {
		const writer = this.blobs.writer();
		for await (const chunk of body) await writer.write(chunk);
		const blob = await writer.finish();
		this.blobs.release(blob);
		return blob.size;
	}

	readonly name = 'dropbox';
	readonly tree = new Tree();
	readonly blobs = new BlobStore();
	appFolder?: string;
	private readonly sessions = new Map<string, Session>();
	private readonly pendingPages = new Map<string, { entries: Metadata[]; cursor: CursorState }>();
	private readonly uploadCuts: UploadCut[] = [];
	/** Requests that went through the full upload path, with the bytes each one stored. */
	readonly uploadLog: Array<{ route: string; offset?: number; bytes: number; cut: boolean }> = [];

	constructor(auth?: FakeAuth, options: FakeDropboxOptions = {}) {
		super(auth);
		this.appFolder = options.appFolder;
		this.tree.onRelease = (blob) => this.blobs.release(blob);
		this.tree.onDeleted = (node) => this.deleted.keep(node);
	}

	/** Bench only: deleted files' kept revisions go with their content. */
	protected override async purgeDeleted(): Promise<number> {
		let freed = 0;
		for (const blob of this.deleted.purge()) {
			freed += blob.size;
			this.blobs.release(blob);
		}
		return freed;
	}

	/** Deleted files' revisions: files/list_revisions and files/restore (revisions.ts). */
	readonly deleted = new DeletedRevisions();

	private get revisionHost(): RevisionHost {
		return {
			tree: this.tree,
			blobs: this.blobs,
			locate: (value, route, wrapper) => this.locate(value, route, wrapper),
			meta: (node, withTag) => this.meta(node, withTag),
			visible: (pathLower) => this.visible(pathLower),
		};
	}

	override async stop(): Promise<void> {
		await super.stop();
		this.blobs.destroy();
	}

	// ---------------------------------------------------------------- control API (programmatic)

	/** Act as the user in the Dropbox UI. Paths are absolute in the whole account ("/Apps/x/..." included). */
	async userWrite(
		path: string,
		content: Buffer | { size: number; seed?: number },
		clientModified?: string,
	): Promise<Node> {
		const blob = Buffer.isBuffer(content)
			? await this.blobs.fromBuffer(content)
			: await this.blobs.fromPattern(content.size, content.seed);
		return this.tree.writeFile(path, blob, {
			mode: { tag: 'overwrite' },
			autorename: false,
			strictConflict: false,
			clientModified,
		});
	}

	userCreateFolder(path: string): Node {
		return this.tree.ensureFolder(path)!;
	}

	userRename(path: string, newName: string): Node {
		return this.tree.move(lower(path), `${path.slice(0, path.lastIndexOf('/'))}/${newName}`, false);
	}

	userMove(path: string, newParent: string): Node {
		return this.tree.move(
			lower(path),
			`${newParent}/${path.slice(path.lastIndexOf('/') + 1)}`,
			false,
		);
	}

	userDelete(path: string): void {
		this.tree.delete(lower(path));
	}

	/** The user restores a deleted file in the web UI (its last revision, at its path or at `toPath`). */
	async userRestore(path: string, toPath?: string): Promise<Node> {
		return await userRestoreFile(this.revisionHost, this.deleted, path, toPath);
	}

	/** The user restores a deleted folder in the web UI: it comes back with the files deleted in it. */
	async userRestoreFolder(path: string): Promise<Node[]> {
		return await userRestoreFolder(this.revisionHost, this.deleted, path);
	}

	/** Seed folders and files (content as text, base64, or a size for generated bytes). */
	async seed(spec: {
		folders?: string[];
		files?: Array<{
			path: string;
			text?: string;
			base64?: string;
			size?: number;
			clientModified?: string;
		}>;
	}): Promise<void> {
		for (const folder of spec.folders ?? []) this.userCreateFolder(folder);
		for (const file of spec.files ?? []) {
			const content =
				file.text !== undefined
					? Buffer.from(file.text)
					: file.base64 !== undefined
						? Buffer.from(file.base64, 'base64')
						: { size: file.size ?? 0 };
			await this.userWrite(file.path, content, file.clientModified);
		}
	}

	async readFile(path: string): Promise<Buffer | undefined> {
		const node = this.tree.get(lower(path));
		return node?.blob ? this.blobs.readAll(node.blob) : undefined;
	}

	setQuota(bytes: number | undefined): void {
		this.tree.quota = bytes ?? Number.POSITIVE_INFINITY;
	}

	resetCursors(): void {
		this.tree.resetCursors();
		this.pendingPages.clear();
	}

	/** The next matching upload request is cut by the fake after `afterBytes` body bytes. */
	cutUpload(cut: UploadCut): void {
		this.uploadCuts.push(cut);
	}

	/** The next `count` API requests answer 429 the way Dropbox does. */
	rateLimit(
		count: number,
		retryAfterSeconds: number,
		reason: 'too_many_requests' | 'too_many_write_operations' = 'too_many_requests',
	): void {
		this.inject({
			path: /^\/2\//,
			times: count,
			action: {
				type: 'respond',
				status: 429,
				headers: { 'retry-after': String(retryAfterSeconds) },
				body: {
					error_summary: `${reason}/..`,
					error: { reason: { '.tag': reason }, retry_after: retryAfterSeconds },
				},
			},
		});
	}

	dumpTree(): Array<{
		path: string;
		id: string;
		tag: 'file' | 'folder';
		size?: number;
		rev?: string;
		content_hash?: string;
	}> {
		return this.tree.all().map((node) => ({
			path: node.pathDisplay,
			id: node.id,
			tag: node.isFolder ? 'folder' : 'file',
			...(node.isFolder
				? {}
				: { size: node.blob?.size, rev: node.rev, content_hash: node.blob?.contentHash }),
		}));
	}

	protected override async control(
		action: string,
		body: any,
		res: ServerResponse,
	): Promise<boolean> {
		const ok = (result: unknown = { ok: true }) => this.sendJson(res, 200, result);
		try {
			switch (action) {
				case 'seed':
					await this.seed(body);
					ok();
					return true;
				case 'write': {
					const content =
						body.base64 !== undefined
							? Buffer.from(body.base64, 'base64')
							: body.text !== undefined
								? Buffer.from(body.text)
								: { size: body.size ?? 0 };
					ok(this.describe(await this.userWrite(body.path, content, body.clientModified)));
					return true;
				}
				case 'create-folder':
					ok(this.describe(this.userCreateFolder(body.path)));
					return true;
				case 'rename':
					ok(this.describe(this.userRename(body.path, body.name)));
					return true;
				case 'move':
					ok(this.describe(this.userMove(body.path, body.parent)));
					return true;
				case 'delete':
					this.userDelete(body.path);
					ok();
					return true;
				case 'read': {
					const data = await this.readFile(body.path);
					ok(data ? { base64: data.toString('base64') } : { missing: true });
					return true;
				}
				case 'quota':
					this.setQuota(body.bytes ?? undefined);
					ok();
					return true;
				case 'reset-cursors':
					this.resetCursors();
					ok();
					return true;
				case 'tree':
					ok({ entries: this.dumpTree() });
					return true;
				case 'app-folder':
					this.appFolder = body.name ?? undefined;
					ok();
					return true;
				case 'rate-limit':
					this.rateLimit(body.count ?? 1, body.retryAfter ?? 1, body.reason);
					ok();
					return true;
				case 'cut-upload':
					this.cutUpload({
						route: body.route,
						afterBytes: body.afterBytes,
						keepReceived: body.keepReceived ?? true,
					});
					ok();
					return true;
			}
		} catch (error) {
			this.sendJson(res, 400, { error: error instanceof TreeError ? error.reason : String(error) });
			return true;
		}
		return false;
	}

	private describe(node: Node): Record<string, unknown> {
		return { id: node.id, path: node.pathDisplay, rev: node.rev };
	}

	// ---------------------------------------------------------------- auth and scopes

	/** The token endpoint takes client credentials, not a bearer. */
	protected override requiresAuth(req: FakeRequest): boolean {
		return !TOKEN_PATHS.includes(req.path) && routeOf(req) !== LONGPOLL_ROUTE;
	}

	protected override authError(reason: 'missing' | 'invalid' | 'expired'): ErrorShape {
		if (reason === 'missing') {
			return badRequest(
				'files',
				'Must provide HTTP header "Authorization" or URL parameter "authorization".',
			);
		}
		const tag = reason === 'expired' ? 'expired_access_token' : 'invalid_access_token';
		return endpointError({ '.tag': tag }, 401);
	}

	protected override requiredScopes(req: FakeRequest): string[] {
		const scope = ROUTE_SCOPES[routeOf(req)];
		return scope ? [scope] : [];
	}

	protected override scopeError(required: string[]): ErrorShape {
		return endpointError({ '.tag': 'missing_scope', required_scope: required[0] }, 401);
	}

	// ---------------------------------------------------------------- routing

	protected async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
		if (TOKEN_PATHS.includes(req.path) && req.method === 'POST') {
			const answer = tokenAnswer(this.auth, req, await this.readBody(req, 64 * 1024));
			this.sendJson(res, answer.status, answer.body, { 'cache-control': 'no-store' });
			return;
		}
		const route = routeOf(req);
		try {
			const isDownload = route === 'files/download';
			if (req.method !== 'POST' && !(isDownload && req.method === 'GET')) {
				fail({ status: 405, body: `Error in call to API function "${route}": Method not allowed` });
			}
			if (CONTENT_ROUTES.has(route)) {
				const header = req.headers['dropbox-api-arg'];
				const text =
					typeof header === 'string' ? header : (req.url.searchParams.get('arg') ?? undefined);
				const where = typeof header === 'string' ? 'HTTP header "Dropbox-API-Arg"' : 'request body';
				const args = parseArgs(route, text, where);
				if (UPLOAD_ROUTES.has(route)) {
					checkContentType(route, req.headers['content-type'], [
						'application/octet-stream',
						'text/plain; charset=dropbox-cors-hack',
					]);
					await this.routeUpload(route, args, req, res);
				} else {
					await this.download(args, req, res);
				}
				return;
			}
			if (!MODELLED_RPC.has(route)) {
				await drain(req);
				fail(notModelled(req.method, req.path));
			}
			const body = await this.readBody(req, 1024 * 1024);
			if (body.length > 0) {
				checkContentType(route, req.headers['content-type'], [
					'application/json',
					'application/json; charset=utf-8',
					'text/plain; charset=dropbox-cors-hack',
				]);
			}
			const args = parseArgs(
				route,
				body.length ? body.toString('utf8') : undefined,
				'request body',
			);
			if (route === 'files/upload_session/finish_batch_v2')
				return this.sendJson(res, 200, await this.finishBatch(route, args));
			if (route === LONGPOLL_ROUTE)
				return this.sendJson(res, 200, await this.longpoll(route, args));
			if (route === 'files/restore')
				return this.sendJson(res, 200, await restore(this.revisionHost, this.deleted, route, args));
			this.sendJson(res, 200, this.rpc(route, args));
		} catch (error) {
			if (!(error instanceof DropboxApiError) && !(error instanceof TreeError)) throw error;
			if (!req.raw.readableEnded) await drain(req);
			const shape =
				error instanceof DropboxApiError
					? error.shape
					: endpointError(lookupError('path', { '.tag': error.reason }));
			if (!res.headersSent) this.sendError(res, shape);
		}
	}

	private rpc(route: string, args: Record<string, unknown>): unknown {
		switch (route) {
			case 'files/list_folder':
				return this.listFolder(route, args);
			case 'files/list_folder/continue':
				return this.listFolderContinue(route, args);
			case 'files/list_folder/get_latest_cursor':
				return this.latestCursor(route, args);
			case 'files/get_metadata':
				return this.getMetadata(route, args);
			case 'files/create_folder_v2':
				return this.createFolder(route, args);
			case 'files/delete_v2':
				return this.deleteEntry(route, args);
			case 'files/move_v2':
				return this.moveEntry(route, args);
			case 'files/search_v2':
				return this.search(route, args);
			case 'files/list_revisions':
				return listRevisions(this.revisionHost, this.deleted, route, args);
			case 'users/get_current_account':
				return currentAccount();
			case 'users/get_space_usage':
				return {
					used: this.tree.used(),
					allocation: {
						'.tag': 'individual',
						allocated: Number.isFinite(this.tree.quota) ? this.tree.quota : 2 ** 40,
					},
				};
		}
		fail(notModelled('POST', `/2/${route}`));
	}

	/**
	 * files/upload_session/finish_batch_v2 (https://www.dropbox.com/developers/documentation/http/documentation#files-upload_session-finish_batch_v2):
	 * commits many closed sessions at once and answers one entry per request entry, success (the file's metadata)
	 * or failure (an UploadSessionFinishError); a session whose last start/append did not say close=true is
	 * lookup_failed/not_closed ("UploadSessionStartArg.close or UploadSessionAppendArg.close needs to be true for
	 * the last upload_session/start or upload_session/append_v2 call"). rclone's Dropbox backend commits every
	 * upload this way in its default batch mode (backend/dropbox/batcher.go, observed client, issue 15).
	 */
	private async finishBatch(route: string, args: Record<string, unknown>): Promise<unknown> {
		if (!Array.isArray(args.entries))
			fail(badRequest(route, 'request body: entries: expected list'));
		if (args.entries.length > 1000)
			fail(badRequest(route, 'request body: entries: list has more than 1000 items'));
		const entries: unknown[] = [];
		for (const entry of args.entries as Array<Record<string, unknown>>) {
			try {
				const commit = this.commitInfo(
					route,
					(entry.commit ?? {}) as Record<string, unknown>,
					true,
				);
				const session = this.sessionFor(
					route,
					entry.cursor,
					(lookup) => ({ '.tag': 'lookup_failed', lookup_failed: lookup }),
					true,
				);
				if (!session.closed)
					fail(endpointError({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } }));
				this.sessions.delete(session.id);
				const blob = await session.writer.finish();
				entries.push({ '.tag': 'success', ...this.commit(blob, commit, 'finish') });
			} catch (error) {
				if (!(error instanceof DropboxApiError) || error.shape.status !== 409) throw error;
				entries.push({
					'.tag': 'failure',
					failure: (error.shape.body as { error: unknown }).error,
				});
			}
		}
		return { entries };
	}

	/**
	 * files/list_folder/longpoll on notify.dropboxapi.com (https://www.dropbox.com/developers/documentation/http/documentation#files-list_folder-longpoll):
	 * "This endpoint does not require an Authorization header"; waits up to `timeout` seconds (30 to 480, default 30)
	 * and answers {changes} as soon as something changed under the cursor. rclone's Dropbox change notification
	 * polls this way (backend/dropbox/dropbox.go ChangeNotify, observed client, issue 15).
	 */
	private async longpoll(route: string, args: Record<string, unknown>): Promise<unknown> {
		const cursor = this.decodeCursor(route, args.cursor);
		const timeout = intArg(args, 'timeout', route, 30, 480) ?? 30;
		const deadline = Date.now() + timeout * 1000;
		for (;;) {
			if (cursor.e !== this.tree.epoch) fail(endpointError({ '.tag': 'reset' }));
			const changed = this.tree
				.changesSince(cursor.s, cursor.p, cursor.r)
				.some((change) =>
					this.visible(change.kind === 'node' ? change.node.pathLower : change.pathLower),
				);
			if (changed || Date.now() >= deadline) return { changes: changed };
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}

	// ---------------------------------------------------------------- sandbox (app folder) and paths

	private get sandboxRoot(): string {
		return this.appFolder ? `/Apps/${this.appFolder}` : '';
	}

	/** An API path ("" root, "/a/b", "id:…", "rev:…") as an absolute account path, or a node. */
	private locate(
		value: string,
		route: string,
		wrapper: string,
	): { absolute: string; node?: Node; isRoot: boolean } {
		const root = this.sandboxRoot;
		if (root) this.tree.ensureFolder(root);
		if (value.startsWith('id:') || value.startsWith('rev:')) {
			const [key, ...rest] = value.split('/');
			const node = key.startsWith('id:')
				? this.tree.getById(key)
				: this.tree.getByRev(key.slice(4));
			if (!node || !this.visible(node.pathLower))
				fail(endpointError(lookupError(wrapper, { '.tag': 'not_found' })));
			const absolute = rest.length ? `${node.pathDisplay}/${rest.join('/')}` : node.pathDisplay;
			return { absolute, node: this.tree.get(lower(absolute)), isRoot: false };
		}
		if (value.startsWith('ns:')) fail(endpointError(lookupError(wrapper, { '.tag': 'not_found' })));
		// A doubled leading slash names the same path: rclone 1.60 lists every folder below the root as "//name"
		// (root "/" joined with "/name") and its recursive listings work at Dropbox (observed client, issue 15).
		// Dot segments and a doubled slash further in stay malformed_path (not observed).
		const single = value.replace(/^\/{2,}/, '/');
		const trimmed = single.length > 1 ? single.replace(/\/$/, '') : single === '/' ? '' : single;
		if (/\/\//.test(trimmed) || /(^|\/)\.\.?($|\/)/.test(trimmed)) {
			fail(endpointError(lookupError(wrapper, { '.tag': 'malformed_path', malformed_path: null })));
		}
		void route;
		const absolute = root + trimmed;
		return {
			absolute,
			node: absolute === '' ? undefined : this.tree.get(lower(absolute)),
			isRoot: trimmed === '',
		};
	}

	private visible(pathLower: string): boolean {
		const root = lower(this.sandboxRoot);
		return root === '' || pathLower === root || pathLower.startsWith(root + '/');
	}

	private relative(path: string): string {
		return path.slice(this.sandboxRoot.length);
	}

	private meta(node: Node, withTag: boolean): Metadata {
		const base: Metadata = withTag ? { '.tag': node.isFolder ? 'folder' : 'file' } : {};
		base.name = node.name;
		base.path_lower = this.relative(node.pathLower);
		base.path_display = this.relative(node.pathDisplay);
		base.id = node.id;
		if (node.isFolder) return base;
		return {
			...base,
			client_modified: node.clientModified,
			server_modified: node.serverModified,
			rev: node.rev,
			size: node.blob?.size ?? 0,
			is_downloadable: true,
			content_hash: node.blob?.contentHash,
		};
	}

	private changeMeta(change: TreeChange): Metadata {
		if (change.kind === 'node') return this.meta(change.node, true);
		return {
			'.tag': 'deleted',
			name: change.name,
			path_lower: this.relative(change.pathLower),
			path_display: this.relative(change.pathDisplay),
		};
	}

	// ---------------------------------------------------------------- listing and cursors

	private folderScope(route: string, args: Record<string, unknown>): string {
		const located = this.locate(pathArg(args, 'path', route), route, 'path');
		if (located.isRoot) return lower(located.absolute);
		if (!located.node) fail(endpointError(lookupError('path', { '.tag': 'not_found' })));
		if (!located.node.isFolder) fail(endpointError(lookupError('path', { '.tag': 'not_folder' })));
		return located.node.pathLower;
	}

	private listFolder(route: string, args: Record<string, unknown>): unknown {
		const scope = this.folderScope(route, args);
		const recursive = boolArg(args, 'recursive', route);
		const includeDeleted = boolArg(args, 'include_deleted', route);
		const limit = intArg(args, 'limit', route, 1, 2000);
		const entries = this.tree
			.listing(scope, recursive, includeDeleted)
			.filter((change) =>
				this.visible(change.kind === 'node' ? change.node.pathLower : change.pathLower),
			)
			.filter(
				(change) => !(change.kind === 'node' && change.node.pathLower === lower(this.sandboxRoot)),
			)
			.map((change) => this.changeMeta(change));
		return this.page(entries, {
			e: this.tree.epoch,
			s: this.tree.seq,
			p: scope,
			r: recursive,
			d: includeDeleted,
			l: limit,
		});
	}

	/**
	 * A cursor keeps the lower-cased path it was made for (`p`), not the folder's id, even when list_folder was
	 * given "id:…": after the watched folder or a parent is renamed or moved, continue reports the old path deleted
	 * (list_folder docs: "For each DeletedMetadata ... remove it and all its children") and then only what happens at
	 * the old path, never at the new place. That is Dropbox's documented model of a cursor as a view of a path and
	 * what Dropbox staff describe on the developer forum (the cursor does not follow a moved folder; list the new
	 * path again); not verified against the live service here. Clients must notice the move and list again.
	 */
	private listFolderContinue(route: string, args: Record<string, unknown>): unknown {
		const cursor = this.decodeCursor(route, args.cursor);
		if (cursor.e !== this.tree.epoch) fail(endpointError({ '.tag': 'reset' }));
		if (cursor.q) {
			const pending = this.pendingPages.get(cursor.q);
			if (!pending) fail(endpointError({ '.tag': 'reset' }));
			this.pendingPages.delete(cursor.q);
			return this.page(pending.entries, pending.cursor);
		}
		const entries = this.tree
			.changesSince(cursor.s, cursor.p, cursor.r)
			.filter((change) =>
				this.visible(change.kind === 'node' ? change.node.pathLower : change.pathLower),
			)
			.map((change) => this.changeMeta(change));
		return this.page(entries, { ...cursor, s: this.tree.seq, q: undefined });
	}

	private latestCursor(route: string, args: Record<string, unknown>): unknown {
		const scope = this.folderScope(route, args);
		const recursive = boolArg(args, 'recursive', route);
		const includeDeleted = boolArg(args, 'include_deleted', route);
		const limit = intArg(args, 'limit', route, 1, 2000);
		return {
			cursor: encodeCursor({
				e: this.tree.epoch,
				s: this.tree.seq,
				p: scope,
				r: recursive,
				d: includeDeleted,
				l: limit,
			}),
		};
	}

	/** First `limit` entries now; the rest waits server-side behind the returned cursor. */
	private page(entries: Metadata[], cursor: CursorState): unknown {
		const limit = cursor.l ?? 2000;
		if (entries.length <= limit)
			return { entries, cursor: encodeCursor({ ...cursor, q: undefined }), has_more: false };
		const id = randomBytes(9).toString('base64url');
		this.pendingPages.set(id, {
			entries: entries.slice(limit),
			cursor: { ...cursor, q: undefined },
		});
		return {
			entries: entries.slice(0, limit),
			cursor: encodeCursor({ ...cursor, q: id }),
			has_more: true,
		};
	}

	private decodeCursor(route: string, value: unknown): CursorState {
		if (typeof value !== 'string' || value.length === 0)
			fail(badRequest(route, 'request body: cursor: expected string'));
		try {
			const parsed = JSON.parse(
				Buffer.from(value.replace(/^AA/, ''), 'base64url').toString('utf8'),
			) as CursorState;
			if (
				typeof parsed.e === 'number' &&
				typeof parsed.s === 'number' &&
				typeof parsed.p === 'string'
			)
				return parsed;
		} catch {
			// fall through
		}
		fail(badRequest(route, "Invalid 'cursor' parameter"));
	}

	// ---------------------------------------------------------------- metadata routes

	private getMetadata(route: string, args: Record<string, unknown>): unknown {
		const path = pathArg(args, 'path', route);
		const located = this.locate(path, route, 'path');
		if (located.isRoot)
			fail(badRequest(route, 'request body: path: The root folder is unsupported.'));
		if (located.node) return this.meta(located.node, true);
		const stone = boolArg(args, 'include_deleted', route)
			? this.tree.tombstone(lower(located.absolute))
			: undefined;
		if (stone)
			return this.changeMeta({ kind: 'deleted', pathLower: lower(located.absolute), ...stone });
		fail(endpointError(lookupError('path', { '.tag': 'not_found' })));
	}

	private createFolder(route: string, args: Record<string, unknown>): unknown {
		const path = pathArg(args, 'path', route, true);
		const located = this.locate(path, route, 'path');
		if (located.isRoot)
			fail(badRequest(route, 'request body: path: The root folder is unsupported.'));
		try {
			return {
				metadata: this.meta(
					this.tree.createFolder(located.absolute, boolArg(args, 'autorename', route)),
					false,
				),
			};
		} catch (error) {
			throw writeFailure(error, 'path');
		}
	}

	private deleteEntry(route: string, args: Record<string, unknown>): unknown {
		const located = this.locate(pathArg(args, 'path', route, true), route, 'path_lookup');
		if (located.isRoot)
			fail(badRequest(route, 'request body: path: The root folder is unsupported.'));
		if (!located.node) fail(endpointError(lookupError('path_lookup', { '.tag': 'not_found' })));
		const parentRev = args.parent_rev;
		if (typeof parentRev === 'string' && located.node.rev !== parentRev) {
			fail(
				endpointError({
					'.tag': 'path_write',
					path_write: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
				}),
			);
		}
		return { metadata: this.meta(this.tree.delete(located.node.pathLower), true) };
	}

	private moveEntry(route: string, args: Record<string, unknown>): unknown {
		const from = this.locate(pathArg(args, 'from_path', route, true), route, 'from_lookup');
		const to = this.locate(pathArg(args, 'to_path', route, true), route, 'to');
		if (from.isRoot || to.isRoot)
			fail(badRequest(route, 'request body: path: The root folder is unsupported.'));
		if (!from.node) fail(endpointError(lookupError('from_lookup', { '.tag': 'not_found' })));
		try {
			return {
				metadata: this.meta(
					this.tree.move(from.node.pathLower, to.absolute, boolArg(args, 'autorename', route)),
					true,
				),
			};
		} catch (error) {
			if (error instanceof TreeError && error.reason === 'cant_move_folder_into_itself')
				fail(endpointError({ '.tag': error.reason }));
			throw writeFailure(error, 'to');
		}
	}

	private search(route: string, args: Record<string, unknown>): unknown {
		if (typeof args.query !== 'string')
			fail(badRequest(route, 'request body: query: expected string'));
		const options = (args.options ?? {}) as Record<string, unknown>;
		const max = typeof options.max_results === 'number' ? options.max_results : 100;
		const categories = Array.isArray(options.file_categories)
			? options.file_categories.map((c) => unionTag(c, 'file_categories', route).tag)
			: [];
		const scope =
			typeof options.path === 'string'
				? this.folderScope(route, { path: options.path })
				: lower(this.sandboxRoot);
		const words = args.query.toLowerCase().split(/\s+/).filter(Boolean);
		const matches = this.tree
			.listing(scope, true, false)
			.flatMap((change) => (change.kind === 'node' ? [change.node] : []))
			.filter((node) => this.visible(node.pathLower) && node.pathLower !== lower(this.sandboxRoot))
			.filter((node) => !categories.includes('folder') || node.isFolder)
			.filter((node) => words.every((word) => node.name.toLowerCase().includes(word)));
		return {
			matches: matches.slice(0, max).map((node) => ({
				match_type: { '.tag': 'filename' },
				metadata: { '.tag': 'metadata', metadata: this.meta(node, true) },
			})),
			has_more: matches.length > max,
		};
	}

	// ---------------------------------------------------------------- uploads

	private async routeUpload(
		route: string,
		args: Record<string, unknown>,
		req: FakeRequest,
		res: ServerResponse,
	): Promise<void> {
		switch (route) {
			case 'files/upload':
				return this.upload(route, args, req, res);
			case 'files/upload_session/start':
				return this.sessionStart(route, args, req, res);
			case 'files/upload_session/append_v2':
				return this.sessionAppend(route, args, req, res);
			default:
				return this.sessionFinish(route, args, req, res);
		}
	}

	private async upload(
		route: string,
		args: Record<string, unknown>,
		req: FakeRequest,
		res: ServerResponse,
	): Promise<void> {
		const commit = this.commitInfo(route, args);
		const writer = this.blobs.writer();
		const received = await this.receive(route, req, res, writer, true).catch(
			async (error: unknown) => {
				await writer.abort();
				throw error;
			},
		);
		if (received === 'cut') return void (await writer.abort());

		const blob = await writer.finish();
		if (typeof args.content_hash === 'string' && args.content_hash !== blob.contentHash) {
			this.blobs.release(blob);
			fail(endpointError({ '.tag': 'content_hash_mismatch' }));
		}
		this.sendJson(res, 200, this.commit(blob, commit, 'upload'));
	}

	private async sessionStart(
		route: string,
		args: Record<string, unknown>,
		req: FakeRequest,
		res: ServerResponse,
	): Promise<void> {
		const session: Session = {
			id: `pid_upload_session:${randomBytes(24).toString('base64url')}`,
			writer: this.blobs.writer(),
			closed: false,
		};
		const received = await this.receive(route, req, res, session.writer, false);
		this.sessions.set(session.id, session);
		if (received === 'cut') return;
		session.closed = boolArg(args, 'close', route);
		this.sendJson(res, 200, { session_id: session.id });
	}

	private async sessionAppend(
		route: string,
		args: Record<string, unknown>,
		req: FakeRequest,
		res: ServerResponse,
	): Promise<void> {
		const session = this.sessionFor(route, args.cursor, (lookup) => lookup);
		const received = await this.receive(route, req, res, session.writer, false);
		if (received === 'cut') return;
		session.closed = boolArg(args, 'close', route);
		this.sendJson(res, 200, null);
	}

	private async sessionFinish(
		route: string,
		args: Record<string, unknown>,
		req: FakeRequest,
		res: ServerResponse,
	): Promise<void> {
		const commit = this.commitInfo(route, (args.commit ?? {}) as Record<string, unknown>, true);
		const session = this.sessionFor(
			route,
			args.cursor,
			(lookup) => ({ '.tag': 'lookup_failed', lookup_failed: lookup }),
			true,
		);
		const received = await this.receive(route, req, res, session.writer, false);
		if (received === 'cut') return;
		this.sessions.delete(session.id);
		const blob = await session.writer.finish();
		if (typeof args.content_hash === 'string' && args.content_hash !== blob.contentHash) {
			this.blobs.release(blob);
			fail(endpointError({ '.tag': 'content_hash_mismatch' }));
		}
		this.sendJson(res, 200, this.commit(blob, commit, 'finish'));
	}

	/** Find the session of an UploadSessionCursor and check its offset, before any body byte is stored. */
	private sessionFor(
		route: string,
		cursor: unknown,
		wrap: (lookup: Tagged) => Tagged,
		finishing = false,
	): Session {
		const value = cursor as { session_id?: unknown; offset?: unknown } | undefined;
		if (!value || typeof value.session_id !== 'string' || typeof value.offset !== 'number') {
			fail(badRequest(route, 'request body: cursor: missing required field session_id or offset'));
		}
		const session = this.sessions.get(value.session_id);
		if (!session) fail(endpointError(wrap({ '.tag': 'not_found' })));
		if (value.offset !== session.writer.size) {
			fail(
				endpointError(wrap({ '.tag': 'incorrect_offset', correct_offset: session.writer.size })),
			);
		}
		if (session.closed && !finishing) fail(endpointError(wrap({ '.tag': 'closed' })));
		return session;
	}

	/**
	 * Stream the request body into `writer`. Applies a pending UploadCut (the fake drops the connection itself,
	 * keeping what it received when asked to). Without a cut the append is atomic: a client that disconnects
	 * leaves the session as it was.
	 */
	private async receive(
		route: string,
		req: FakeRequest,
		res: ServerResponse,
		writer: BlobWriter,
		wholeFile: boolean,
	): Promise<number | 'cut'> {
		// A cut waits for a request long enough to reach `afterBytes` (an empty session start does not use it up).
		const cut = this.uploadCuts.find(
			(candidate) => !candidate.route || route.endsWith(candidate.route),
		);
		const before = writer.size;
		const offset = wholeFile ? undefined : before;
		let bytes = 0;
		try {
			for await (const chunk of req.raw) {
				let data = chunk as Buffer;
				if (cut && bytes + data.length >= cut.afterBytes && this.uploadCuts.includes(cut)) {
					this.uploadCuts.splice(this.uploadCuts.indexOf(cut), 1);
					data = data.subarray(0, cut.afterBytes - bytes);
					bytes += data.length;
					if (cut.keepReceived) await writer.write(data);
					else await writer.truncate(before);
					this.uploadLog.push({ route, offset, bytes, cut: true });
					req.raw.socket.destroy();
					res.destroy();
					return 'cut';
				}
				bytes += data.length;
				// Past the per-request limit nothing more is stored; the caller answers too_large.
				if (bytes <= MAX_REQUEST_BYTES) await writer.write(data);
			}
		} catch (error) {
			await writer.truncate(before);
			throw error;
		}
		if (bytes > MAX_REQUEST_BYTES) {
			await writer.truncate(before);
			fail(endpointError({ '.tag': wholeFile ? 'payload_too_large' : 'too_large' }));
		}
		this.uploadLog.push({ route, offset, bytes, cut: false });
		return bytes;
	}

	private commitInfo(
		route: string,
		args: Record<string, unknown>,
		nested = false,
	): {
		path: string;
		mode: WriteMode;
		autorename: boolean;
		strict: boolean;
		clientModified?: string;
	} {
		if (nested) {
			for (const key of Object.keys(args)) {
				if (!COMMIT_FIELDS.includes(key))
					fail(badRequest(route, `request body: commit: unknown field '${key}'`));
			}
			if (args.path === undefined)
				fail(badRequest(route, "request body: commit: missing required field 'path'"));
		}
		const located = this.locate(pathArg(args, 'path', route, true), route, 'path');
		if (located.isRoot)
			fail(badRequest(route, 'request body: path: The root folder is unsupported.'));
		const mode = args.mode === undefined ? { tag: 'add' } : unionTag(args.mode, 'mode', route);
		let writeMode: WriteMode;
		if (mode.tag === 'add' || mode.tag === 'overwrite') writeMode = { tag: mode.tag };
		else if (
			mode.tag === 'update' &&
			typeof (mode as { value: Record<string, unknown> }).value.update === 'string'
		) {
			writeMode = { tag: 'update', rev: (mode as { value: Record<string, string> }).value.update };
		} else fail(badRequest(route, `request body: mode: unknown tag '${mode.tag}'`));
		const clientModified = args.client_modified;
		if (
			clientModified !== undefined &&
			(typeof clientModified !== 'string' ||
				!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(clientModified))
		) {
			fail(
				badRequest(
					route,
					`request body: client_modified: time data '${String(clientModified)}' does not match format '%Y-%m-%dT%H:%M:%SZ'`,
				),
			);
		}
		return {
			path: located.absolute,
			mode: writeMode,
			autorename: boolArg(args, 'autorename', route),
			strict: boolArg(args, 'strict_conflict', route),
			clientModified: clientModified as string | undefined,
		};
	}

	private commit(
		blob: Blob,
		commit: ReturnType<FakeDropbox['commitInfo']>,
		kind: 'upload' | 'finish',
	): Metadata {
		try {
			const node = this.tree.writeFile(commit.path, blob, {
				mode: commit.mode,
				autorename: commit.autorename,
				strictConflict: commit.strict,
				clientModified: commit.clientModified,
			});
			return this.meta(node, false);
		} catch (error) {
			this.blobs.release(blob);
			if (!(error instanceof TreeError)) throw error;
			const reason = writeReason(error);
			// UploadError.path is a struct (inline fields); UploadSessionFinishError.path is a WriteError union.
			if (kind === 'upload') {
				fail(
					endpointError({
						'.tag': 'path',
						reason,
						upload_session_id: `pid_upload_session:${randomBytes(12).toString('base64url')}`,
					}),
				);
			}
			fail(endpointError({ '.tag': 'path', path: reason }));
		}
	}

	// ---------------------------------------------------------------- download

	private async download(
		args: Record<string, unknown>,
		req: FakeRequest,
		res: ServerResponse,
	): Promise<void> {
		await drain(req);
		const route = 'files/download';
		const path = typeof args.rev === 'string' ? `rev:${args.rev}` : pathArg(args, 'path', route);
		const located = this.locate(path, route, 'path');
		if (located.isRoot || located.node?.isFolder)
			fail(endpointError(lookupError('path', { '.tag': 'not_file' })));
		if (!located.node?.blob) fail(endpointError(lookupError('path', { '.tag': 'not_found' })));
		const node = located.node;
		const blob = node.blob!;
		const etag = `W/"${node.rev}"`;
		const headers: Record<string, string> = {
			'content-type': 'application/octet-stream',
			'dropbox-api-result': headerSafeJson(this.meta(node, false)),
			etag,
			'accept-ranges': 'bytes',
		};
		if (req.headers['if-none-match'] === etag) {
			res.writeHead(304, headers);
			res.end();
			return;
		}
		const range = parseRange(req.headers.range, blob.size);
		if (range === 'unsatisfiable') {
			res.writeHead(416, { 'content-range': `bytes */${blob.size}`, 'content-type': 'text/plain' });
			res.end('Requested range not satisfiable');
			return;
		}
		const [start, end] = range ?? [0, blob.size - 1];
		if (range) headers['content-range'] = `bytes ${start}-${end}/${blob.size}`;
		headers['content-length'] = String(Math.max(0, end - start + 1));
		res.writeHead(range ? 206 : 200, headers);
		const stream = this.blobs.read(blob, start, end);
		await new Promise<void>((resolve) => {
			stream.on('error', () => {
				res.destroy();
				resolve();
			});
			res.on('close', () => {
				stream.destroy();
				resolve();
			});
			stream.pipe(res);
		});
	}
}

/** The signed-in account (users/get_current_account): a personal Basic account whose root namespace is its home. */
function currentAccount(): Record<string, unknown> {
	const namespace = '3235641';
	return {
		account_id: 'dbid:fake-user',
		name: {
			given_name: 'Fake',
			surname: 'User',
			familiar_name: 'Fake',
			display_name: 'Fake User',
			abbreviated_name: 'FU',
		},
		email: 'fake.user@example.com',
		email_verified: true,
		disabled: false,
		locale: 'en',
		referral_link: 'https://db.tt/fake',
		is_paired: false,
		account_type: { '.tag': 'basic' },
		root_info: { '.tag': 'user', root_namespace_id: namespace, home_namespace_id: namespace },
		country: 'US',
	};
}

/** The RPC routes this fake models; any other answers 501 naming the route (issue 15). */
const MODELLED_RPC = new Set([
	'files/list_folder',
	'files/list_folder/continue',
	'files/list_folder/get_latest_cursor',
	'files/list_folder/longpoll',
	'files/get_metadata',
	'files/create_folder_v2',
	'files/delete_v2',
	'files/move_v2',
	'files/list_revisions',
	'files/restore',
	'files/search_v2',
	'files/upload_session/finish_batch_v2',
	'users/get_current_account',
	'users/get_space_usage',
]);
const LONGPOLL_ROUTE = 'files/list_folder/longpoll';

function routeOf(req: FakeRequest): string {
	return req.path.replace(/^\/2\//, '');
}

function encodeCursor(state: CursorState): string {
	return 'AA' + Buffer.from(JSON.stringify(state)).toString('base64url');
}

function checkContentType(route: string, value: string | undefined, allowed: string[]): void {
	const normalized = (value ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
	if (!allowed.includes(normalized)) {
		fail(
			badRequest(
				route,
				`Bad HTTP "Content-Type" header: "${value ?? ''}".  Expecting one of ${allowed.map((a) => `"${a}"`).join(', ')}.`,
			),
		);
	}
}

function writeReason(error: TreeError): Tagged {
	switch (error.reason) {
		case 'insufficient_space':
			return { '.tag': 'insufficient_space' };
		case 'conflict_file':
			return { '.tag': 'conflict', conflict: { '.tag': 'file' } };
		case 'conflict_folder':
			return { '.tag': 'conflict', conflict: { '.tag': 'folder' } };
		case 'conflict_file_ancestor':
			return { '.tag': 'conflict', conflict: { '.tag': 'file_ancestor' } };
		default:
			return { '.tag': error.reason };
	}
}

function writeFailure(error: unknown, wrapper: string): unknown {
	if (!(error instanceof TreeError)) return error;
	return new DropboxApiError(endpointError({ '.tag': wrapper, [wrapper]: writeReason(error) }));
}

async function drain(req: FakeRequest): Promise<void> {
	try {
		for await (const _chunk of req.raw) void _chunk;
	} catch {
		// the client went away; nothing to answer
	}
}

export { nowSeconds };
