import { DateTime } from 'luxon';
import { parseDocumentDate } from '../shared/sync/folderLayout';
import { documentZone, isoInstantMs } from '../shared/sync/zoneTime';

/** The offset-caching zone lives with the engine's other time arithmetic (Calendar Sync's planner uses it too). */
export { CachedOffsetZone, documentZone } from '../shared/sync/zoneTime';

/**
 * The document date an item holds, in `zone`: exactly parseDocumentDate(value, zone), faster. A strict ISO instant
 * is built from its milliseconds; everything else is parsed by luxon, in the offset-caching zone.
 */
export function readDocumentDate(value: unknown, zone: string): DateTime | undefined {
	if (typeof value === 'string') {
		const ms = isoInstantMs(value);
		if (ms !== undefined) return DateTime.fromMillis(ms, { zone: documentZone(zone) });
	}
	return parseDocumentDate(value, documentZone(zone));
}
