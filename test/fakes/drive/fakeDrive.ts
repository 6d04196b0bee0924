import type { ServerResponse } from 'http';
import type { Readable } from 'stream';
import type { FakeAuth } from '../common/auth';
import { FakeServer, type ErrorShape, type FakeRequest } from '../common/server';
import { ContentStore, type Blob } from './content';
import { DriveErrors, driveError } from './errors';
import {
	ABOUT_SCHEMA,
	CHANGE_LIST_SCHEMA,
	DRIVE_LIST_SCHEMA,
	DRIVE_SCHEMA,
	FieldsError,
	FILE_LIST_SCHEMA,
	FILE_SCHEMA,
	parseFields,
	project,
	START_TOKEN_SCHEMA,
	validateFields,
	type FieldSchema,
	type Selection,
} from './fields';
import { generatedContent } from './generated';
import { parseMultipart } from './multipart';
import { checkParams, flag } from './params';
import { notModelled } from '../common/notModelled';
import { parseQuery, QueryError } from './query';
import { driveResource, FAKE_USER, fileResource } from './resource';
import { ResumableSessions, type UploadSession } from './resumable';
import {
	EXPORT_FORMATS,
	EXPORT_SIZE_LIMIT,
	exportBytes,
	exportSize,
	isDocsEditorsFile,
	SHORTCUT_MIME,
} from './native';
import { FOLDER_MIME, DriveStore, type DriveFile } from './store';

export const DRIVE_SCOPES = {
	drive: 'https://www.googleapis.com/auth/drive',
	readonly: 'https://www.googleapis.com/auth/drive.readonly',
	file: 'https://www.googleapis.com/auth/drive.file',
	metadataReadonly: 'https://www.googleapis.com/auth/drive.metadata.readonly',
} as const;

const READ_SCOPES = [
	DRIVE_SCOPES.drive,
	DRIVE_SCOPES.readonly,
	DRIVE_SCOPES.file,
	DRIVE_SCOPES.metadataReadonly,
];
const CONTENT_READ_SCOPES = [DRIVE_SCOPES.drive, DRIVE_SCOPES.readonly, DRIVE_SCOPES.file];
const WRITE_SCOPES = [DRIVE_SCOPES.drive, DRIVE_SCOPES.file];

const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
const DEFAULT_LIST_FIELDS = 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)';
const DEFAULT_CHANGE_FIELDS =
	'kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,driveId,teamDriveId,type,file(kind,id,name,mimeType))';
const JSON_BODY_LIMIT = 1024 * 1024;
const MULTIPART_LIMIT = 64 * 1024 * 1024;
const DEFAULT_STORAGE_LIMIT = 15 * 1024 ** 3;

const WRITABLE_FIELDS = new Set([
	'kind',
	'name',
	'mimeType',
	'appProperties',
	'properties',
	'description',
	'starred',
	'modifiedTime',
	'originalFilename',
	'folderColorRgb',
	'contentHints',
	'writersCanShare',
	'copyRequiresWriterPermission',
	'viewedByMeTime',
	'trashed',
	'contentRestrictions',
	'inheritedPermissionsDisabled',
	'downloadRestrictions',
]);
const CREATE_ONLY_FIELDS = new Set([
	'parents',
	'createdTime',
	'id',
	'driveId',
	'teamDriveId',
	'shortcutDetails',
]);

/** What the caller's token may do. */
interface Access {
	/** drive: everything. */
	full: boolean;
	/** drive or drive.readonly: every file is visible. */
	readAll: boolean;
	/** drive.file: files this app created. */
	appFiles: boolean;
}

type Metadata = Record<string, unknown>;

/** Result of a handler step: either a value or the Drive error to answer with. */
type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(error: ErrorShape): Outcome<T> => ({ ok: false, error });

export interface SeedOptions {
	parentId?: string;
	/** Folder path below the parent (or My Drive), created as needed; '/' separated. */
	name: string;
	content?: Buffer;
	/** Deterministic generated content (see generatedContent) for big files that should never be in memory. */
	generated?: { size: number; seed?: string };
	mimeType?: string;
	modifiedTime?: string;
	createdTime?: string;
	appProperties?: Record<string, string>;
	/** Created through the API by this app (visible to drive.file tokens). Default false: made by the user. */
	createdByApp?: boolean;
}

export interface TreeNode {
	id: string;
	name: string;
	folder: boolean;
	trashed: boolean;
	size?: number;
	md5?: string;
	version: string;
	appProperties?: Record<string, string>;
	children?: TreeNode[];
}

/**
 * Google Drive v3 on 127.0.0.1, faithful enough that @googleapis/drive cannot tell it from Google: partial
 * responses, the `q` language, multipart and resumable uploads, ranged downloads, the change feed, shared
 * drives and the error envelopes of api-brief.md section 1.
 */
export class FakeDrive extends FakeServer {
	/** The benchmark's floor: a body stored like upload content (three hashes, spilled to disk), then dropped. */
	protected override async sink(body: AsyncIterable<Buffer>): Promise<number> {
		const writer = this.content.writer();
		for await (const chunk of body) await writer.write(chunk);
		const blob = await writer.finish();
		await this.content.release(blob);
		return blob.size;
	}

	readonly name = 'drive';
	readonly content = new ContentStore();
	readonly store = new DriveStore(this.content);
	private readonly sessions = new ResumableSessions(this.content);
	storageLimit = DEFAULT_STORAGE_LIMIT;
	storageQuotaExceeded = false;
	dailyLimitExceeded = false;

	constructor(auth?: FakeAuth) {
		super(auth);
	}

	get rootId(): string {
		return this.store.rootId;
	}

	override async stop(): Promise<void> {
		await super.stop();
		this.content.dispose();
	}

	// ---- FakeServer hooks ----

	protected authError(reason: 'missing' | 'invalid' | 'expired'): ErrorShape {
		return reason === 'missing' ? DriveErrors.authMissing() : DriveErrors.authInvalid();
	}

	protected override scopeError(required: string[]): ErrorShape {
		return DriveErrors.insufficientScopes(required);
	}

	/** Session URIs carry their own authority; a bearer, when sent, is still checked. */
	protected override requiresAuth(req: FakeRequest): boolean {
		if (isSessionChunk(req)) return req.headers.authorization !== undefined;
		return true;
	}

	protected override requiredScopes(req: FakeRequest): string[] {
		if (req.method === 'GET') {
			const content = req.url.searchParams.get('alt') === 'media' || req.path.endsWith('/export');
			return content ? CONTENT_READ_SCOPES : READ_SCOPES;
		}
		if (isSessionChunk(req)) return [];
		return WRITE_SCOPES;
	}

	private access(req: FakeRequest): Access {
		const check = this.auth.check(req.headers.authorization);
		const scopes = check.ok ? check.scopes : [DRIVE_SCOPES.drive];
		const full = scopes.includes(DRIVE_SCOPES.drive);
		return {
			full,
			readAll:
				full ||
				scopes.includes(DRIVE_SCOPES.readonly) ||
				scopes.includes(DRIVE_SCOPES.metadataReadonly),
			appFiles: scopes.includes(DRIVE_SCOPES.file),
		};
	}

	// ---- routing ----

	protected async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
		const path = req.path.replace(/^\/resumable\/upload\//, '/upload/');
		const session = isSessionChunk(req);
		if (this.dailyLimitExceeded && !session)
			return this.drainAndFail(req, res, DriveErrors.dailyLimitExceeded());
		const access = this.access(req);
		const fileMatch = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
		const exportMatch = /^\/drive\/v3\/files\/([^/]+)\/export$/.exec(path);
		const uploadMatch = /^\/upload\/drive\/v3\/files(?:\/([^/]+))?$/.exec(path);
		const driveMatch = /^\/drive\/v3\/drives\/([^/]+)$/.exec(path);
		const route = `${req.method} ${path}`;
		if (uploadMatch && session) return this.putSession(req, res);
		if (uploadMatch && req.method === 'POST' && !uploadMatch[1])
			return this.upload(req, res, access);
		if (uploadMatch && req.method === 'PATCH' && uploadMatch[1])
			return this.upload(req, res, access, decodeURIComponent(uploadMatch[1]));
		if (route === 'GET /drive/v3/files') return this.list(req, res, access);
		if (route === 'POST /drive/v3/files') return this.createMetadataOnly(req, res, access);
		// files.emptyTrash and files.generateIds share the files/{id} shape: not modelled, so 501, never "File not found".
		if (
			fileMatch &&
			((req.method === 'DELETE' && fileMatch[1] === 'trash') ||
				(req.method === 'GET' && fileMatch[1] === 'generateIds'))
		) {
			return this.drainAndFail(
				req,
				res,
				notModelled(
					req.method,
					req.path,
					(message) => driveError(501, 'notImplemented', message).body,
				),
			);
		}
		if (fileMatch) {
			const id = decodeURIComponent(fileMatch[1]);
			if (req.method === 'GET') return this.get(req, res, access, id);
			if (req.method === 'PATCH') return this.updateMetadataOnly(req, res, access, id);
			if (req.method === 'DELETE') return this.deleteFile(req, res, access, id);
		}
		if (exportMatch && req.method === 'GET')
			return this.exportFile(req, res, access, decodeURIComponent(exportMatch[1]));
		if (route === 'GET /drive/v3/changes/startPageToken')
			return this.startPageToken(req, res, access);
		if (route === 'GET /drive/v3/changes') return this.changesList(req, res, access);
		if (route === 'GET /drive/v3/about') return this.about(req, res);
		if (route === 'GET /drive/v3/drives') return this.drivesList(req, res);
		if (driveMatch && req.method === 'GET')
			return this.driveGet(req, res, decodeURIComponent(driveMatch[1]));
		// Drive v2, files.copy, permissions, revisions...: 501 naming the route, never a 404 a client reads as "no such file".
		return this.drainAndFail(
			req,
			res,
			notModelled(
				req.method,
				req.path,
				(message) => driveError(501, 'notImplemented', message).body,
			),
		);
	}

	private async drainAndFail(
		req: FakeRequest,
		res: ServerResponse,
		error: ErrorShape,
	): Promise<void> {
		await this.readBody(req).catch(() => undefined);
		this.sendError(res, error);
	}

	// ---- helpers ----

	private selection(url: URL, schema: FieldSchema, defaults: string): Outcome<Selection> {
		// An empty fields= selects the method's default response: Google's Go client sends `fields=` on every call
		// made with Fields("") (rclone's trash PATCH) and Drive answers 200 (observed client, issue 15).
		const text = url.searchParams.get('fields') || defaults;
		try {
			const selection = parseFields(text);
			validateFields(selection, schema);
			return ok(selection);
		} catch (error) {
			if (error instanceof FieldsError) return fail(DriveErrors.invalidFields(error.message));
			throw error;
		}
	}

	/** Shared-drive items exist only for callers that say supportsAllDrives; drive.file sees only its own files. */
	private visible(file: DriveFile, url: URL, access: Access): boolean {
		if (
			file.driveId !== undefined &&
			!flag(url, 'supportsAllDrives') &&
			!flag(url, 'supportsTeamDrives')
		)
			return false;
		if (file.isRoot) return true;
		return access.readAll || (access.appFiles && file.createdByApp);
	}

	private writable(file: DriveFile, access: Access): boolean {
		return access.full || (access.appFiles && (file.createdByApp || file.isRoot === true));
	}

	private find(id: string, url: URL, access: Access): Outcome<DriveFile> {
		const file = this.store.get(id);
		if (!file || !this.visible(file, url, access)) return fail(DriveErrors.notFound(id));
		return ok(file);
	}

	private findWritable(id: string, url: URL, access: Access): Outcome<DriveFile> {
		const found = this.find(id, url, access);
		if (found.ok && !this.writable(found.value, access))
			return fail(DriveErrors.insufficientFilePermissions(id));
		return found;
	}

	private async readJson(req: FakeRequest): Promise<Outcome<Metadata>> {
		const body = await this.readBody(req, JSON_BODY_LIMIT);
		return this.parseJson(body);
	}

	private parseJson(body: Buffer): Outcome<Metadata> {
		if (body.length === 0) return ok({});
		try {
			const parsed = JSON.parse(body.toString('utf8'));
			if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
				return fail(DriveErrors.badRequest('Invalid JSON payload received. Expected an object.'));
			}
			return ok(parsed as Metadata);
		} catch {
			return fail(DriveErrors.badRequest('Invalid JSON payload received. Unexpected token.'));
		}
	}

	/** Request-body members: unknown names are a 400, read-only ones a 403 fieldNotWritable. */
	private checkBody(body: Metadata, isCreate: boolean): ErrorShape | undefined {
		for (const [key, value] of Object.entries(body)) {
			if (WRITABLE_FIELDS.has(key) || (isCreate && CREATE_ONLY_FIELDS.has(key))) {
				const problem = this.checkValue(key, value, isCreate);
				if (problem) return problem;
				continue;
			}
			if (key === 'parents') {
				return driveError(
					403,
					'fieldNotWritable',
					'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.',
					{ status: 'PERMISSION_DENIED' },
				);
			}
			if (typeof FILE_SCHEMA === 'object' && key in FILE_SCHEMA) {
				return driveError(
					403,
					'fieldNotWritable',
					'The resource body includes fields which are not directly writable.',
					{ status: 'PERMISSION_DENIED' },
				);
			}
			return DriveErrors.badRequest(
				`Invalid JSON payload received. Unknown name "${key}" at 'resource': Cannot find field.`,
			);
		}
		return undefined;
	}

	private checkValue(key: string, value: unknown, isCreate: boolean): ErrorShape | undefined {
		if (
			(key === 'name' || key === 'mimeType' || key === 'description') &&
			typeof value !== 'string'
		) {
			return DriveErrors.badRequest(`Invalid value at 'resource.${key}': expected a string`);
		}
		if (key === 'parents' && (!Array.isArray(value) || value.some((p) => typeof p !== 'string'))) {
			return DriveErrors.badRequest("Invalid value at 'resource.parents'");
		}
		if (key === 'parents' && (value as string[]).length > 1) {
			return driveError(
				403,
				'cannotAddParent',
				'Increasing the number of parents is not allowed.',
				{ status: 'PERMISSION_DENIED' },
			);
		}
		if (key === 'modifiedTime' || key === 'createdTime') {
			if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
				return DriveErrors.invalid('Invalid value for: ' + key, key);
		}
		if (key === 'trashed' && typeof value !== 'boolean')
			return DriveErrors.badRequest("Invalid value at 'resource.trashed'");
		if (key === 'appProperties' || key === 'properties') {
			if (!value || typeof value !== 'object' || Array.isArray(value))
				return DriveErrors.badRequest(`Invalid value at 'resource.${key}'`);
			for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
				if (v === null && !isCreate) continue;
				if (typeof v !== 'string')
					return DriveErrors.badRequest(`Invalid value at 'resource.${key}.${k}'`);
				// Drive's documented limit: key + value at most 124 bytes (UTF-8).
				if (Buffer.byteLength(k) + Buffer.byteLength(v) > 124) {
					return DriveErrors.invalid(
						`The limit for this property is 124 bytes, including the key. Property: ${k}`,
						key,
					);
				}
			}
		}
		return undefined;
	}

	private ensureQuota(extraBytes: number): ErrorShape | undefined {
		if (this.storageQuotaExceeded || this.store.usage() + extraBytes > this.storageLimit)
			return DriveErrors.storageQuotaExceeded();
		return undefined;
	}

	private sendFile(res: ServerResponse, file: DriveFile, selection: Selection): void {
		this.sendJson(res, 200, project(fileResource(file), selection));
	}

	/** Create a file from validated metadata; the parent must exist, be a folder and be writable. */
	private createFrom(
		metadata: Metadata,
		url: URL,
		access: Access,
		blob?: Blob,
		mediaType?: string,
	): Outcome<DriveFile> {
		const parents = (metadata.parents as string[] | undefined) ?? ['root'];
		const parent = this.find(parents[0], url, access);
		if (!parent.ok) return parent;
		if (parent.value.mimeType !== FOLDER_MIME)
			return fail(DriveErrors.invalid('The specified parent is not a folder.', 'parents'));
		if (!this.writable(parent.value, access))
			return fail(DriveErrors.insufficientFilePermissions(parent.value.id));
		const mimeType =
			(metadata.mimeType as string | undefined) ?? mediaType ?? 'application/octet-stream';
		if (mimeType === FOLDER_MIME && blob && blob.size > 0)
			return fail(DriveErrors.badRequest('A folder cannot have content.'));
		let shortcutDetails: { targetId: string; targetMimeType: string } | undefined;
		if (mimeType === SHORTCUT_MIME) {
			// Shortcuts guide: a shortcut is created with shortcutDetails.targetId; Drive fills in targetMimeType.
			const targetId = (metadata.shortcutDetails as { targetId?: unknown } | undefined)?.targetId;
			if (typeof targetId !== 'string')
				return fail(DriveErrors.required('shortcutDetails.targetId'));
			const target = this.find(targetId, url, access);
			if (!target.ok) return target;
			shortcutDetails = { targetId, targetMimeType: target.value.mimeType };
		}
		const file = this.store.create({
			shortcutDetails,
			name: (metadata.name as string | undefined) ?? 'Untitled',
			mimeType,
			parentId: parent.value.id,
			blob,
			appProperties: metadata.appProperties as Record<string, string> | undefined,
			properties: metadata.properties as Record<string, string> | undefined,
			description: metadata.description as string | undefined,
			originalFilename: metadata.originalFilename as string | undefined,
			createdByApp: true,
			modifiedTime: metadata.modifiedTime as string | undefined,
			createdTime: metadata.createdTime as string | undefined,
			starred: metadata.starred as boolean | undefined,
		});
		return ok(file);
	}

	/** Apply an update's metadata and parent changes; records one change. */
	private applyUpdate(
		file: DriveFile,
		metadata: Metadata,
		url: URL,
		access: Access,
	): Outcome<DriveFile> {
		const add = (url.searchParams.get('addParents') ?? '').split(',').filter(Boolean);
		const remove = (url.searchParams.get('removeParents') ?? '')
			.split(',')
			.filter(Boolean)
			.map((id) => this.store.resolve(id));
		let newParent: DriveFile | undefined;
		if (add.length > 1) {
			return fail(
				driveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed.', {
					status: 'PERMISSION_DENIED',
				}),
			);
		}
		if (add.length === 1) {
			const target = this.find(add[0], url, access);
			if (!target.ok) return target;
			newParent = target.value;
			if (newParent.mimeType !== FOLDER_MIME)
				return fail(DriveErrors.invalid('The specified parent is not a folder.', 'addParents'));
			if (!this.writable(newParent, access))
				return fail(DriveErrors.insufficientFilePermissions(newParent.id));
			const remaining = file.parents.filter((p) => !remove.includes(p) && p !== newParent!.id);
			if (remaining.length > 0) {
				return fail(
					driveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed.', {
						status: 'PERMISSION_DENIED',
					}),
				);
			}
			if (this.store.isAncestorOrSelf(file.id, newParent.id)) {
				return fail(DriveErrors.badRequest('The requested parent would create a cycle.'));
			}
		} else if (remove.length > 0 && file.parents.some((p) => remove.includes(p))) {
			return fail(
				driveError(403, 'cannotRemoveParent', 'The file must keep at least one parent.', {
					status: 'PERMISSION_DENIED',
				}),
			);
		}
		if (file.isRoot) return fail(DriveErrors.insufficientFilePermissions(file.id));

		let changed = false;
		if (typeof metadata.name === 'string' && metadata.name !== file.name) {
			file.name = metadata.name;
			changed = true;
		}
		if (
			typeof metadata.mimeType === 'string' &&
			metadata.mimeType !== file.mimeType &&
			file.mimeType !== FOLDER_MIME
		) {
			file.mimeType = metadata.mimeType;
			changed = true;
		}
		if (typeof metadata.description === 'string') {
			file.description = metadata.description;
			changed = true;
		}
		if (typeof metadata.starred === 'boolean') {
			file.starred = metadata.starred;
			changed = true;
		}
		for (const key of ['appProperties', 'properties'] as const) {
			const patch = metadata[key] as Record<string, string | null> | undefined;
			if (!patch) continue;
			for (const [k, v] of Object.entries(patch)) {
				if (v === null) delete file[key][k];
				else file[key][k] = v;
			}
			changed = true;
		}
		if (newParent) {
			this.store.move(file, newParent.id);
			changed = true;
		}
		if (metadata.trashed === true && !file.trashed) this.store.trash(file);
		else if (metadata.trashed === false && file.trashed) this.store.untrash(file);
		if (changed || metadata.modifiedTime !== undefined)
			this.store.touch(file, metadata.modifiedTime as string | undefined);
		return ok(file);
	}

	// ---- files ----

	private async get(
		req: FakeRequest,
		res: ServerResponse,
		access: Access,
		id: string,
	): Promise<void> {
		const problem = checkParams(req.url, 'files.get');
		if (problem) return this.sendError(res, problem);
		const alt = req.url.searchParams.get('alt') ?? 'json';
		if (alt !== 'json' && alt !== 'media')
			return this.sendError(res, DriveErrors.invalid(`Invalid value '${alt}'.`, 'alt'));
		const found = this.find(id, req.url, access);
		if (!found.ok) return this.sendError(res, found.error);
		if (alt === 'media') return this.download(req, res, found.value);
		const selection = this.selection(req.url, FILE_SCHEMA, DEFAULT_FILE_FIELDS);
		if (!selection.ok) return this.sendError(res, selection.error);
		this.sendFile(res, found.value, selection.value);
	}

	private download(req: FakeRequest, res: ServerResponse, file: DriveFile): void {
		if (!file.blob) return this.sendError(res, DriveErrors.fileNotDownloadable());
		const size = file.blob.size;
		const range = req.headers.range;
		let start = 0;
		let end = size - 1;
		let partial = false;
		if (range) {
			const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
			if (!match || (match[1] === '' && match[2] === ''))
				return this.sendError(res, DriveErrors.rangeNotSatisfiable());
			if (match[1] === '') {
				start = Math.max(0, size - Number(match[2]));
			} else {
				start = Number(match[1]);
				if (match[2] !== '') end = Math.min(end, Number(match[2]));
			}
			if (start >= size || start > end) {
				return this.sendError(res, {
					...DriveErrors.rangeNotSatisfiable(),
					headers: { 'content-range': `bytes */${size}` },
				});
			}
			partial = true;
		}
		const headers: Record<string, string> = {
			'content-type': file.mimeType,
			'content-length': String(end - start + 1),
			'x-goog-hash': `md5=${Buffer.from(file.blob.md5, 'hex').toString('base64')}`,
			'accept-ranges': 'bytes',
		};
		if (partial) headers['content-range'] = `bytes ${start}-${end}/${size}`;
		res.writeHead(partial ? 206 : 200, headers);
		const stream: Readable = this.content.read(file.blob, start, end);
		res.on('close', () => stream.destroy());
		stream.on('error', () => res.destroy());
		stream.pipe(res);
	}

	/** files.export: Docs Editors files only, to their formats, at most 10 MB (see native.ts for the sources). */
	private async exportFile(
		req: FakeRequest,
		res: ServerResponse,
		access: Access,
		id: string,
	): Promise<void> {
		const problem = checkParams(req.url, 'files.export');
		if (problem) return this.sendError(res, problem);
		const format = req.url.searchParams.get('mimeType');
		if (!format) return this.sendError(res, DriveErrors.required('mimeType'));
		const found = this.find(id, req.url, access);
		if (!found.ok) return this.sendError(res, found.error);
		const file = found.value;
		if (!isDocsEditorsFile(file.mimeType) || !file.document)
			return this.sendError(res, DriveErrors.fileNotExportable());
		if (!EXPORT_FORMATS[file.mimeType].includes(format))
			return this.sendError(res, DriveErrors.conversionNotSupported());
		if (exportSize(file, file.document.size, format) > EXPORT_SIZE_LIMIT)
			return this.sendError(res, DriveErrors.exportSizeLimitExceeded());
		const chunks: Buffer[] = [];
		for await (const chunk of this.content.read(file.document)) chunks.push(chunk as Buffer);
		const body = exportBytes(file, Buffer.concat(chunks), format);
		res.writeHead(200, { 'content-type': format, 'content-length': String(body.length) });
		res.end(body);
	}

	private async createMetadataOnly(
		req: FakeRequest,
		res: ServerResponse,
		access: Access,
	): Promise<void> {
		const problem = checkParams(req.url, 'files.create');
		if (problem) return this.drainAndFail(req, res, problem);
		const body = await this.readJson(req);
		if (!body.ok) return this.sendError(res, body.error);
		const invalid = this.checkBody(body.value, true);
		if (invalid) return this.sendError(res, invalid);
		const selection = this.selection(req.url, FILE_SCHEMA, DEFAULT_FILE_FIELDS);
		if (!selection.ok) return this.sendError(res, selection.error);
		const created = this.createFrom(body.value, req.url, access);
		if (!created.ok) return this.sendError(res, created.error);
		if (body.value.trashed === true) this.store.trash(created.value);
		this.sendFile(res, created.value, selection.value);
	}

	private async updateMetadataOnly(
		req: FakeRequest,
		res: ServerResponse,
		access: Access,
		id: string,
	): Promise<void> {
		const problem = checkParams(req.url, 'files.update');
		if (problem) return this.drainAndFail(req, res, problem);
		const body = await this.readJson(req);
		if (!body.ok) return this.sendError(res, body.error);
		const invalid = this.checkBody(body.value, false);
		if (invalid) return this.sendError(res, invalid);
		const selection = this.selection(req.url, FILE_SCHEMA, DEFAULT_FILE_FIELDS);
		if (!selection.ok) return this.sendError(res, selection.error);
		const found = this.findWritable(id, req.url, access);
		if (!found.ok) return this.sendError(res, found.error);
		const updated = this.applyUpdate(found.value, body.value, req.url, access);
		if (!updated.ok) return this.sendError(res, updated.error);
		this.sendFile(res, updated.value, selection.value);
	}

	private async deleteFile(
		req: FakeRequest,
		res: ServerResponse,
		access: Access,
		id: string,
	): Promise<void> {
		const problem = checkParams(req.url, 'files.delete');
		if (problem) return this.sendError(res, problem);
		const found = this.findWritable(id, req.url, access);
		if (!found.ok) return this.sendError(res, found.error);
		if (found.value.isRoot)
			return this.sendError(res, DriveErrors.insufficientFilePermissions(found.value.id));
		await this.store.delete(found.value);
		res.writeHead(204);
		res.end();
	}

	// ---- uploads ----

	private async upload(
		req: FakeRequest,
		res: ServerResponse,
		access: Access,
		updateId?: string,
	): Promise<void> {
		const problem = checkParams(req.url, updateId ? 'files.update' : 'files.create');
		if (problem) return this.drainAndFail(req, res, problem);
		const uploadType = req.url.searchParams.get('uploadType');
		if (uploadType !== 'media' && uploadType !== 'multipart' && uploadType !== 'resumable') {
			return this.drainAndFail(
				req,
				res,
				DriveErrors.badRequest(
					uploadType
						? `Invalid upload type: ${uploadType}`
						: 'Media upload requires the uploadType parameter.',
				),
			);
		}
		const selection = this.selection(req.url, FILE_SCHEMA, DEFAULT_FILE_FIELDS);
		if (!selection.ok) return this.drainAndFail(req, res, selection.error);
		let target: DriveFile | undefined;
		if (updateId) {
			const found = this.findWritable(updateId, req.url, access);
			if (!found.ok) return this.drainAndFail(req, res, found.error);
			if (found.value.mimeType === FOLDER_MIME)
				return this.drainAndFail(req, res, DriveErrors.badRequest('A folder cannot have content.'));
			target = found.value;
		}
		const declared = Number(
			req.headers['x-upload-content-length'] ?? req.headers['content-length'] ?? 0,
		);
		const quota = this.ensureQuota(Number.isFinite(declared) ? declared : 0);
		if (quota) return this.drainAndFail(req, res, quota);

		let metadata: Metadata = {};
		let blob: Blob | undefined;
		let mediaType: string | undefined;
		if (uploadType === 'media') {
			mediaType = req.headers['content-type'];
			blob = await this.receiveMedia(req);
		} else if (uploadType === 'multipart') {
			const parts = parseMultipart(
				req.headers['content-type'],
				await this.readBody(req, MULTIPART_LIMIT),
			);
			if (!parts) return this.sendError(res, DriveErrors.badRequest('Malformed multipart body.'));
			const parsed = this.parseJson(parts.metadata);
			if (!parsed.ok) return this.sendError(res, parsed.error);
			metadata = parsed.value;
			mediaType = parts.mediaType;
			blob = await this.content.fromBuffer(parts.media);
		} else {
			const parsed = await this.readJson(req);
			if (!parsed.ok) return this.sendError(res, parsed.error);
			metadata = parsed.value;
		}
		const invalid = this.checkBody(metadata, !updateId);
		if (invalid) {
			await this.content.release(blob);
			return this.sendError(res, invalid);
		}
		if (uploadType === 'resumable') {
			if (!target) {
				// Check the parent now, as Drive does at initiation.
				const parents = (metadata.parents as string[] | undefined) ?? ['root'];
				const parent = this.find(parents[0], req.url, access);
				if (!parent.ok) return this.sendError(res, parent.error);
				if (!this.writable(parent.value, access))
					return this.sendError(res, DriveErrors.insufficientFilePermissions(parent.value.id));
			}
			const total = req.headers['x-upload-content-length'];
			const session = this.sessions.open({
				metadata,
				url: req.url,
				access,
				fileId: target?.id,
				mediaType:
					(req.headers['x-upload-content-type'] as string | undefined) ??
					(metadata.mimeType as string | undefined),
				total: total !== undefined ? Number(total) : undefined,
			});
			const location = new URL(req.url.pathname + req.url.search, this.baseUrl);
			location.searchParams.set('upload_id', session.id);
			res.writeHead(200, {
				location: location.href,
				'x-guploader-uploadid': session.id,
				'content-length': '0',
			});
			res.end();
			return;
		}
		const quotaAfter = this.ensureQuota(blob!.size);
		if (quotaAfter) {
			await this.content.release(blob);
			return this.sendError(res, quotaAfter);
		}
		const done = await this.finishUpload(metadata, req.url, access, blob!, mediaType, target?.id);
		if (!done.ok) {
			await this.content.release(blob);
			return this.sendError(res, done.error);
		}
		this.sendFile(res, done.value, selection.value);
	}

	private async receiveMedia(req: FakeRequest): Promise<Blob> {
		const writer = this.content.writer();
		for await (const chunk of req.raw) {
			const pending = writer.write(chunk as Buffer);
			if (pending) await pending;
		}
		return writer.finish();
	}

	private async finishUpload(
		metadata: Metadata,
		url: URL,
		access: Access,
		blob: Blob,
		mediaType: string | undefined,
		fileId?: string,
	): Promise<Outcome<DriveFile>> {
		if (!fileId) return this.createFrom(metadata, url, access, blob, mediaType);
		const found = this.findWritable(fileId, url, access);
		if (!found.ok) return found;
		const file = found.value;
		await this.store.setContent(file, blob, metadata.modifiedTime as string | undefined);
		if (!metadata.mimeType && mediaType && mediaType !== file.mimeType) file.mimeType = mediaType;
		const { modifiedTime: _ignored, ...rest } = metadata;
		return this.applyUpdate(file, rest, url, access);
	}

	private async putSession(req: FakeRequest, res: ServerResponse): Promise<void> {
		const problem = checkParams(req.url, 'upload.session');
		if (problem) return this.drainAndFail(req, res, problem);
		const session = this.sessions.get(req.url.searchParams.get('upload_id')!);
		if (!session) {
			return this.drainAndFail(
				req,
				res,
				driveError(404, 'notFound', 'Upload session not found or expired.', {
					status: 'NOT_FOUND',
				}),
			);
		}
		const step = await this.sessions.receive(session, req);
		if (step.kind === 'error') return this.sendError(res, step.error);
		if (step.kind === 'aborted') return;
		if (step.kind === 'incomplete') {
			const headers: Record<string, string> = {
				'content-length': '0',
				'x-guploader-uploadid': session.id,
			};
			// No Location on 308 (fetch would follow it); no Range while nothing is stored.
			if (session.received > 0) headers.range = `bytes=0-${session.received - 1}`;
			res.writeHead(308, headers);
			res.end();
			return;
		}
		const selection = this.selection(session.url, FILE_SCHEMA, DEFAULT_FILE_FIELDS);
		if (!selection.ok) return this.sendError(res, selection.error);
		if (session.result) return this.sendFile(res, session.result, selection.value);
		const quota = this.ensureQuota(step.blob.size);
		if (quota) {
			await this.content.release(step.blob);
			this.sessions.close(session);
			return this.sendError(res, quota);
		}
		const done = await this.finishUpload(
			session.metadata,
			session.url,
			session.access,
			step.blob,
			session.mediaType,
			session.fileId,
		);
		if (!done.ok) {
			await this.content.release(step.blob);
			return this.sendError(res, done.error);
		}
		session.result = done.value;
		this.sendFile(res, done.value, selection.value);
	}

	// ---- list ----

	private list(req: FakeRequest, res: ServerResponse, access: Access): void {
		const url = req.url;
		const problem = checkParams(url, 'files.list');
		if (problem) return this.sendError(res, problem);
		const selection = this.selection(url, FILE_LIST_SCHEMA, DEFAULT_LIST_FIELDS);
		if (!selection.ok) return this.sendError(res, selection.error);
		const allDrives = flag(url, 'includeItemsFromAllDrives') || flag(url, 'includeTeamDriveItems');
		const supports = flag(url, 'supportsAllDrives') || flag(url, 'supportsTeamDrives');
		const corpora =
			url.searchParams.get('corpora') ?? (url.searchParams.get('driveId') ? 'drive' : 'user');
		const driveId =
			url.searchParams.get('driveId') ?? url.searchParams.get('teamDriveId') ?? undefined;
		if (!['user', 'drive', 'allDrives', 'domain'].includes(corpora))
			return this.sendError(res, DriveErrors.invalid(`Invalid value '${corpora}'.`, 'corpora'));
		if (corpora === 'drive' && !driveId)
			return this.sendError(
				res,
				DriveErrors.invalid(
					'The driveId parameter must be specified if and only if corpora is set to drive.',
					'driveId',
				),
			);
		if (driveId && corpora !== 'drive')
			return this.sendError(
				res,
				DriveErrors.invalid(
					'The driveId parameter must be specified if and only if corpora is set to drive.',
					'driveId',
				),
			);
		if ((driveId || corpora === 'allDrives') && !(allDrives && supports)) {
			return this.sendError(
				res,
				DriveErrors.invalid(
					'The includeItemsFromAllDrives parameter must be set to true when driveId or corpora=allDrives is specified.',
					'includeItemsFromAllDrives',
				),
			);
		}
		if (driveId && !this.store.drives.has(driveId))
			return this.sendError(
				res,
				driveError(404, 'notFound', `Shared drive not found: ${driveId}`, {
					location: 'driveId',
					status: 'NOT_FOUND',
				}),
			);
		const spaces = url.searchParams.get('spaces');
		// Drive trims the comma-separated list (n8n's built-in node sends 'appDataFolder, drive').
		if (
			spaces &&
			spaces
				.split(',')
				.some((space) => !['drive', 'appDataFolder', 'photos'].includes(space.trim()))
		) {
			return this.sendError(res, DriveErrors.invalid(`Invalid value '${spaces}'.`, 'spaces'));
		}
		let matches = (_file: DriveFile) => true;
		const q = url.searchParams.get('q');
		if (q) {
			try {
				const parsed = parseQuery(q, (id) => this.store.resolve(id));
				matches = parsed.matches as (file: DriveFile) => boolean;
			} catch (error) {
				if (error instanceof QueryError) return this.sendError(res, DriveErrors.invalidQuery());
				throw error;
			}
		}
		const order = this.comparator(url.searchParams.get('orderBy'));
		if (!order.ok) return this.sendError(res, order.error);
		const candidates: DriveFile[] = [];
		const listedUrl = new URL(url.href);
		if (supports) listedUrl.searchParams.set('supportsAllDrives', 'true');
		for (const file of this.store.files.values()) {
			if (file.isRoot) continue;
			if (driveId ? file.driveId !== driveId : file.driveId !== undefined && !allDrives) continue;
			if (corpora === 'user' && file.driveId !== undefined && !allDrives) continue;
			if (!this.visible(file, listedUrl, access)) continue;
			if (matches(file)) candidates.push(file);
		}
		candidates.sort(order.value);
		const pageSize = Number(url.searchParams.get('pageSize') ?? 100);
		const signature = listSignature(url);
		let offset = 0;
		const token = url.searchParams.get('pageToken');
		if (token) {
			const decoded = decodeListToken(token);
			if (!decoded || decoded.s !== signature)
				return this.sendError(res, DriveErrors.invalidPageToken());
			offset = decoded.o;
		}
		const page = candidates.slice(offset, offset + pageSize);
		const body: Record<string, unknown> = {
			kind: 'drive#fileList',
			incompleteSearch: false,
			files: page.map(fileResource),
		};
		if (offset + pageSize < candidates.length)
			body.nextPageToken = encodeListToken({ o: offset + pageSize, s: signature });
		this.sendJson(res, 200, project(body, selection.value));
	}

	private comparator(orderBy: string | null): Outcome<(a: DriveFile, b: DriveFile) => number> {
		const keys: Array<(a: DriveFile, b: DriveFile) => number> = [];
		for (const part of (orderBy ?? '')
			.split(',')
			.map((p) => p.trim())
			.filter(Boolean)) {
			const [key, direction, extra] = part.split(/\s+/);
			if (extra || (direction && direction !== 'desc'))
				return fail(DriveErrors.invalid(`Invalid Value`, 'orderBy'));
			const sign = direction === 'desc' ? -1 : 1;
			const by: Record<string, (a: DriveFile, b: DriveFile) => number> = {
				name: (a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()),
				name_natural: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }),
				createdTime: (a, b) => a.createdTime.localeCompare(b.createdTime),
				modifiedTime: (a, b) => a.modifiedTime.localeCompare(b.modifiedTime),
				folder: (a, b) => Number(b.mimeType === FOLDER_MIME) - Number(a.mimeType === FOLDER_MIME),
				quotaBytesUsed: (a, b) => (a.blob?.size ?? 0) - (b.blob?.size ?? 0),
				starred: (a, b) => Number(a.starred) - Number(b.starred),
			};
			const compare = by[key];
			if (!compare) return fail(DriveErrors.invalid('Invalid Value', 'orderBy'));
			keys.push((a, b) => sign * compare(a, b));
		}
		return ok((a, b) => {
			for (const key of keys) {
				const result = key(a, b);
				if (result !== 0) return result;
			}
			return 0; // insertion (creation) order otherwise
		});
	}

	// ---- changes ----

	private startPageToken(req: FakeRequest, res: ServerResponse, access: Access): void {
		const problem = checkParams(req.url, 'changes.getStartPageToken');
		if (problem) return this.sendError(res, problem);
		const scope = this.changeScope(req.url);
		if (!scope.ok) return this.sendError(res, scope.error);
		const selection = this.selection(req.url, START_TOKEN_SCHEMA, 'kind,startPageToken');
		if (!selection.ok) return this.sendError(res, selection.error);
		void access;
		this.sendJson(
			res,
			200,
			project(
				{ kind: 'drive#startPageToken', startPageToken: this.store.startPageToken() },
				selection.value,
			),
		);
	}

	private changeScope(url: URL): Outcome<{ driveId?: string; allDrives: boolean }> {
		const driveId =
			url.searchParams.get('driveId') ?? url.searchParams.get('teamDriveId') ?? undefined;
		const supports = flag(url, 'supportsAllDrives') || flag(url, 'supportsTeamDrives');
		if (driveId && !supports) {
			return fail(
				DriveErrors.invalid(
					'The supportsAllDrives parameter must be set to true when driveId is specified.',
					'supportsAllDrives',
				),
			);
		}
		if (driveId && !this.store.drives.has(driveId)) {
			return fail(
				driveError(404, 'notFound', `Shared drive not found: ${driveId}`, {
					location: 'driveId',
					status: 'NOT_FOUND',
				}),
			);
		}
		const allDrives =
			supports && (flag(url, 'includeItemsFromAllDrives') || flag(url, 'includeTeamDriveItems'));
		return ok({ driveId, allDrives });
	}

	private changesList(req: FakeRequest, res: ServerResponse, access: Access): void {
		const url = req.url;
		const problem = checkParams(url, 'changes.list');
		if (problem) return this.sendError(res, problem);
		const token = url.searchParams.get('pageToken');
		if (!token) return this.sendError(res, DriveErrors.required('pageToken'));
		const scope = this.changeScope(url);
		if (!scope.ok) return this.sendError(res, scope.error);
		const selection = this.selection(url, CHANGE_LIST_SCHEMA, DEFAULT_CHANGE_FIELDS);
		if (!selection.ok) return this.sendError(res, selection.error);
		const from = /^\d+$/.test(token) ? Number(token) : NaN;
		if (!(from >= this.store.tokenFloor && from <= this.store.seq + 1))
			return this.sendError(res, DriveErrors.invalidPageToken());
		const includeRemoved = url.searchParams.get('includeRemoved') !== 'false';
		const restrictToMyDrive = flag(url, 'restrictToMyDrive');
		const pageSize = Number(url.searchParams.get('pageSize') ?? 100);

		// Coalesce: each file once, at the position of its latest change.
		const latest = new Map<string, (typeof this.store.changes)[number]>();
		for (const entry of this.store.changes) {
			if (entry.seq < from) continue;
			if (
				scope.value.driveId
					? entry.driveId !== scope.value.driveId
					: entry.driveId !== undefined && (!scope.value.allDrives || restrictToMyDrive)
			)
				continue;
			if (!access.readAll && !entry.createdByApp) continue;
			latest.delete(entry.fileId);
			latest.set(entry.fileId, entry);
		}
		const entries = [...latest.values()].filter((entry) => includeRemoved || !entry.removed);
		const page = entries.slice(0, pageSize);
		const supportsUrl = new URL(url.href);
		supportsUrl.searchParams.set('supportsAllDrives', 'true');
		const changes = page.map((entry) => {
			const file = entry.removed ? undefined : this.store.files.get(entry.fileId);
			const removed = !file || !this.visible(file, supportsUrl, access);
			const change: Record<string, unknown> = {
				kind: 'drive#change',
				changeType: 'file',
				type: 'file',
				time: entry.time,
				removed,
				fileId: entry.fileId,
			};
			if (entry.driveId) {
				change.driveId = entry.driveId;
				change.teamDriveId = entry.driveId;
			}
			if (!removed) change.file = fileResource(file!);
			return change;
		});
		const body: Record<string, unknown> = { kind: 'drive#changeList', changes };
		if (entries.length > pageSize) body.nextPageToken = String(page[page.length - 1].seq + 1);
		else body.newStartPageToken = this.store.startPageToken();
		this.sendJson(res, 200, project(body, selection.value));
	}

	// ---- about, drives ----

	private about(req: FakeRequest, res: ServerResponse): void {
		const problem = checkParams(req.url, 'about.get');
		if (problem) return this.sendError(res, problem);
		if (!req.url.searchParams.get('fields')) {
			return this.sendError(res, DriveErrors.required('fields'));
		}
		const selection = this.selection(req.url, ABOUT_SCHEMA, '');
		if (!selection.ok) return this.sendError(res, selection.error);
		const usage = this.store.usage();
		const body = {
			kind: 'drive#about',
			user: FAKE_USER,
			storageQuota: {
				limit: String(this.storageLimit),
				usage: String(usage),
				usageInDrive: String(usage),
				usageInDriveTrash: '0',
			},
			maxUploadSize: String(5120 * 1024 ** 3),
			appInstalled: true,
			canCreateDrives: true,
			folderColorPalette: [],
			importFormats: {},
			exportFormats: {},
		};
		this.sendJson(res, 200, project(body, selection.value));
	}

	private drivesList(req: FakeRequest, res: ServerResponse): void {
		const problem = checkParams(req.url, 'drives.list');
		if (problem) return this.sendError(res, problem);
		const selection = this.selection(
			req.url,
			DRIVE_LIST_SCHEMA,
			'kind,nextPageToken,drives(kind,id,name)',
		);
		if (!selection.ok) return this.sendError(res, selection.error);
		const drives = [...this.store.drives.values()].map(driveResource);
		this.sendJson(res, 200, project({ kind: 'drive#driveList', drives }, selection.value));
	}

	private driveGet(req: FakeRequest, res: ServerResponse, id: string): void {
		const problem = checkParams(req.url, 'drives.get');
		if (problem) return this.sendError(res, problem);
		const selection = this.selection(req.url, DRIVE_SCHEMA, 'kind,id,name');
		if (!selection.ok) return this.sendError(res, selection.error);
		const drive = this.store.drives.get(id);
		if (!drive)
			return this.sendError(
				res,
				driveError(404, 'notFound', `Shared drive not found: ${id}`, {
					location: 'driveId',
					status: 'NOT_FOUND',
				}),
			);
		this.sendJson(res, 200, project(driveResource(drive), selection.value));
	}

	// ---- control: seeding, acting as the user, faults ----

	/** Resolve a '/'-separated path of live items below `fromId` (oldest first among duplicates). */
	findByPath(path: string, fromId = this.rootId): DriveFile | undefined {
		let current = this.store.get(fromId);
		for (const part of path.split('/').filter(Boolean)) {
			if (!current) return undefined;
			current = this.store
				.children(current.id)
				.filter((child) => !child.trashed && child.name === part)
				.sort((a, b) => a.createdTime.localeCompare(b.createdTime))[0];
		}
		return current;
	}

	private mustGet(id: string): DriveFile {
		const file = this.store.get(id);
		if (!file) throw new Error(`fake drive: no file ${id}`);
		return file;
	}

	createSharedDrive(name: string): string {
		return this.store.createSharedDrive(name).id;
	}

	/** A folder (and missing ancestors) at `name` below the parent; returns the id of the last one. */
	seedFolder(options: Omit<SeedOptions, 'content' | 'generated' | 'mimeType'>): string {
		let parentId = this.store.resolve(options.parentId ?? 'root');
		const parts = options.name.split('/').filter(Boolean);
		for (const [index, part] of parts.entries()) {
			const last = index === parts.length - 1;
			const existing = last ? undefined : this.findByPath(part, parentId);
			if (existing) {
				parentId = existing.id;
				continue;
			}
			parentId = this.store.create({
				name: part,
				mimeType: FOLDER_MIME,
				parentId,
				createdByApp: options.createdByApp ?? false,
				modifiedTime: last ? options.modifiedTime : undefined,
				createdTime: last ? options.createdTime : undefined,
				appProperties: last ? options.appProperties : undefined,
			}).id;
		}
		return parentId;
	}

	async seedFile(options: SeedOptions): Promise<string> {
		const slash = options.name.lastIndexOf('/');
		const parentId =
			slash > 0
				? this.seedFolderPath(options.name.slice(0, slash), options.parentId, options.createdByApp)
				: this.store.resolve(options.parentId ?? 'root');
		const blob = await this.makeBlob(options);
		return this.store.create({
			name: options.name.slice(slash + 1),
			mimeType: options.mimeType ?? 'application/octet-stream',
			parentId,
			blob,
			createdByApp: options.createdByApp ?? false,
			modifiedTime: options.modifiedTime,
			createdTime: options.createdTime,
			appProperties: options.appProperties,
		}).id;
	}

	/** A shortcut the user made (Drive's "Add shortcut"), pointing at any file or folder by id. */
	seedShortcut(options: {
		parentId?: string;
		name: string;
		targetId: string;
		createdByApp?: boolean;
	}): string {
		const target = this.mustGet(options.targetId);
		return this.store.create({
			name: options.name,
			mimeType: SHORTCUT_MIME,
			parentId: this.store.resolve(options.parentId ?? 'root'),
			shortcutDetails: { targetId: target.id, targetMimeType: target.mimeType },
			createdByApp: options.createdByApp ?? false,
		}).id;
	}

	private seedFolderPath(
		path: string,
		parentId: string | undefined,
		createdByApp?: boolean,
	): string {
		let current = this.store.resolve(parentId ?? 'root');
		for (const part of path.split('/').filter(Boolean)) {
			current =
				this.findByPath(part, current)?.id ??
				this.seedFolder({ parentId: current, name: part, createdByApp });
		}
		return current;
	}

	private async makeBlob(options: {
		content?: Buffer;
		generated?: { size: number; seed?: string };
	}): Promise<Blob> {
		if (options.generated) {
			const writer = this.content.writer();
			for await (const chunk of generatedContent(options.generated.size, options.generated.seed)) {
				const pending = writer.write(chunk as Buffer);
				if (pending) await pending;
			}
			return writer.finish();
		}
		return this.content.fromBuffer(options.content ?? Buffer.alloc(0));
	}

	/** The user edits a file's content (new revision, same id). */
	async userEdit(
		id: string,
		content: Buffer | { size: number; seed?: string },
		modifiedTime?: string,
	): Promise<void> {
		const file = this.mustGet(id);
		const blob = await this.makeBlob(
			Buffer.isBuffer(content) ? { content } : { generated: content },
		);
		await this.store.setContent(file, blob, modifiedTime);
	}

	userRename(id: string, name: string): void {
		const file = this.mustGet(id);
		file.name = name;
		this.store.touch(file);
	}

	userMove(id: string, parentId: string): void {
		const file = this.mustGet(id);
		this.store.move(file, this.store.resolve(parentId));
		this.store.touch(file);
	}

	userTrash(id: string): void {
		this.store.trash(this.mustGet(id));
	}

	userUntrash(id: string): void {
		this.store.untrash(this.mustGet(id));
	}

	async userDelete(id: string): Promise<void> {
		await this.store.delete(this.mustGet(id));
	}

	setUserAppProperties(id: string, appProperties: Record<string, string>): void {
		const file = this.mustGet(id);
		file.appProperties = { ...appProperties };
		this.store.touch(file);
	}

	/** Every change token handed out so far becomes invalid (a cursor reset). */
	invalidatePageTokens(): void {
		this.store.invalidateTokens();
	}

	/** Every open resumable session answers 404 from now on. */
	expireUploadSessions(): void {
		this.sessions.expireAll();
	}

	/** The next resumable chunk is cut after this many body bytes; Drive keeps what it received, 256 KiB aligned. */
	cutNextUploadChunk(afterBytes: number): void {
		this.sessions.cutNext(afterBytes);
	}

	/** Bytes currently stored for a session (for assertions). */
	sessionOffsets(): number[] {
		return this.sessions.offsets();
	}

	async readContent(id: string): Promise<Buffer | undefined> {
		const file = this.store.get(id);
		if (!file?.blob) return undefined;
		const chunks: Buffer[] = [];
		for await (const chunk of this.content.read(file.blob)) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	}

	tree(id = this.rootId): TreeNode {
		const file = this.mustGet(id);
		const node: TreeNode = {
			id: file.id,
			name: file.name,
			folder: file.mimeType === FOLDER_MIME,
			trashed: file.trashed,
			version: String(file.version),
		};
		if (file.blob) {
			node.size = file.blob.size;
			node.md5 = file.blob.md5;
		}
		if (Object.keys(file.appProperties).length) node.appProperties = { ...file.appProperties };
		if (node.folder)
			node.children = this.store.children(file.id).map((child) => this.tree(child.id));
		return node;
	}

	protected override async control(
		action: string,
		body: any,
		res: ServerResponse,
	): Promise<boolean> {
		const done = (result: unknown = { ok: true }) => this.sendJson(res, 200, result);
		const content = (): Buffer | undefined =>
			body.contentBase64 !== undefined ? Buffer.from(body.contentBase64, 'base64') : undefined;
		switch (action) {
			case 'seed-folder':
				done({ id: this.seedFolder(body) });
				return true;
			case 'seed-file':
				done({ id: await this.seedFile({ ...body, content: content() }) });
				return true;
			case 'seed-shortcut':
				done({ id: this.seedShortcut(body) });
				return true;
			case 'create-shared-drive':
				done({ id: this.createSharedDrive(body.name) });
				return true;
			case 'edit-file':
				await this.userEdit(
					body.id,
					content() ?? { size: body.size, seed: body.seed },
					body.modifiedTime,
				);
				done();
				return true;
			case 'rename':
				this.userRename(body.id, body.name);
				done();
				return true;
			case 'move':
				this.userMove(body.id, body.parentId);
				done();
				return true;
			case 'trash':
				this.userTrash(body.id);
				done();
				return true;
			case 'untrash':
				this.userUntrash(body.id);
				done();
				return true;
			case 'delete':
				await this.userDelete(body.id);
				done();
				return true;
			case 'storage-quota-exceeded':
				this.storageQuotaExceeded = body.on !== false;
				done();
				return true;
			case 'daily-limit-exceeded':
				this.dailyLimitExceeded = body.on !== false;
				done();
				return true;
			case 'invalidate-page-tokens':
				this.invalidatePageTokens();
				done();
				return true;
			case 'expire-upload-sessions':
				this.expireUploadSessions();
				done();
				return true;
			case 'cut-next-upload-chunk':
				this.cutNextUploadChunk(body.afterBytes);
				done();
				return true;
			case 'find-path': {
				const file = this.findByPath(body.path, body.fromId);
				done(file ? { id: file.id } : { id: null });
				return true;
			}
			case 'tree':
				done(this.tree(body.id));
				return true;
		}
		return false;
	}
}

interface ListToken {
	o: number;
	s: string;
}

/** A page token is bound to the query it came from: other parameters with it are a 400. */
function listSignature(url: URL): string {
	const params = [...url.searchParams]
		.filter(([key]) => key !== 'pageToken' && key !== 'fields' && key !== 'pageSize')
		.sort();
	return Buffer.from(JSON.stringify(params)).toString('base64url').slice(-24);
}

function encodeListToken(token: ListToken): string {
	return `~!!~${Buffer.from(JSON.stringify(token)).toString('base64url')}`;
}

function decodeListToken(text: string): ListToken | undefined {
	if (!text.startsWith('~!!~')) return undefined;
	try {
		const token = JSON.parse(Buffer.from(text.slice(4), 'base64url').toString('utf8'));
		return typeof token?.o === 'number' && typeof token?.s === 'string' ? token : undefined;
	} catch {
		return undefined;
	}
}

export type { UploadSession };

/**
 * A chunk sent to a resumable session URI (it carries upload_id). Google documents PUT; rclone's Drive backend sends
 * every chunk with POST (backend/drive/upload.go, transferChunk) and its uploads work at Google (observed client,
 * issue 15), so both are taken.
 */
function isSessionChunk(req: FakeRequest): boolean {
	return (req.method === 'PUT' || req.method === 'POST') && req.url.searchParams.has('upload_id');
}
