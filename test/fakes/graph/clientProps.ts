import { faults } from './errors';
import type { ConflictBehavior } from './drive';

/**
 * What a client may say about an item it creates or updates, read as Graph reads it.
 *
 * Conflict behaviour: Graph's annotation is `@microsoft.graph.conflictBehavior`
 * (https://learn.microsoft.com/graph/api/resources/driveitem#instance-attributes); the OneDrive API's older
 * spelling `@name.conflictBehavior` is still accepted on the same bodies: rclone's OneDrive backend sends it when it
 * creates every folder (backend/onedrive/api/types.go, CreateItemRequest) and its folder creation works against
 * the live service (observed client, issue 15).
 *
 * fileSystemInfo: "File system information on client. Read-write." (driveItem resource; the createUploadSession
 * body lists it among the item properties: https://learn.microsoft.com/graph/api/driveitem-createuploadsession).
 * rclone sets modification times with it (SetFileSystemInfo in the upload session item, MoveItemRequest on PATCH).
 */
export const CONFLICT_KEY = '@microsoft.graph.conflictBehavior';
export const LEGACY_CONFLICT_KEY = '@name.conflictBehavior';

export function conflictBehaviorOf(
	body: Record<string, unknown>,
	fallback: ConflictBehavior,
): ConflictBehavior {
	const modern = body[CONFLICT_KEY];
	const legacy = body[LEGACY_CONFLICT_KEY];
	if (modern !== undefined && legacy !== undefined && modern !== legacy) {
		throw faults.invalidRequest(`${CONFLICT_KEY} and ${LEGACY_CONFLICT_KEY} disagree.`);
	}
	const value = modern ?? legacy;
	if (value === undefined) return fallback;
	if (value === 'fail' || value === 'replace' || value === 'rename') return value;
	throw faults.invalidRequest(`Invalid value '${String(value)}' for ${CONFLICT_KEY}.`);
}

/** The client's own times; each absent field leaves the stored one as it is. */
export interface ClientTimes {
	createdAt?: string;
	modifiedAt?: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function fileSystemInfoOf(value: unknown): ClientTimes | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw faults.invalidRequest('fileSystemInfo must be an object.');
	const times: ClientTimes = {};
	for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
		if (key === '@odata.type') continue;
		if (
			key !== 'createdDateTime' &&
			key !== 'lastModifiedDateTime' &&
			key !== 'lastAccessedDateTime'
		) {
			throw faults.invalidRequest(
				`The property '${key}' does not exist on type 'microsoft.graph.fileSystemInfo'.`,
			);
		}
		if (typeof raw !== 'string' || !ISO.test(raw) || Number.isNaN(Date.parse(raw))) {
			throw faults.invalidRequest(
				`Cannot convert the literal '${String(raw)}' to the expected type 'Edm.DateTimeOffset'.`,
			);
		}
		// Graph answers in UTC with a Z, whatever offset the client wrote.
		const utc = new Date(raw).toISOString().replace('.000Z', 'Z');
		if (key === 'createdDateTime') times.createdAt = utc;
		if (key === 'lastModifiedDateTime') times.modifiedAt = utc;
	}
	return times;
}
