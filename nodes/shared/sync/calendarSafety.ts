import type { ReconcileInput, ReconcilePlan } from './calendarReconcile';

/** Deletions beyond this share of the links stop the run... */
const MASS_SHARE = 0.5;
/** ...once at least this many items would go (a small calendar is protected by the share too, not only big ones). */
const MASS_MIN_DELETIONS = 3;
/** A side that looks empty stops the run once this many links exist. */
const EMPTY_MIN = 2;

/** vdirsyncer's StorageEmpty plus a share limit: a listing or permission fault must not look like mass deletion. */
export function safetyStop(input: ReconcileInput, plan: ReconcilePlan): string | undefined {
	if (input.settings.allowMassDeletion) return undefined;
	const linkCount = input.links.length;
	if (linkCount < EMPTY_MIN) return undefined;
	return emptyActivities(input) ?? emptyCalendar(input) ?? tooManyDeletions(plan, linkCount);
}

function emptyActivities(input: ReconcileInput): string | undefined {
	if (!input.inputIsFullSet) return undefined;
	const came = new Set(input.heldActivityIds ?? []);
	for (const activity of input.activities) if (!activity.deleted) came.add(activity.id);
	if (input.links.some((link) => came.has(link.activityId))) return undefined;
	return (
		`The activity input looks empty: none of the ${input.links.length} linked activities ` +
		'came in, so every event would be deleted. Check the node that feeds Calendar Sync, ' +
		'or enable "Allow Mass Deletion" if this is intended.'
	);
}

function emptyCalendar(input: ReconcileInput): string | undefined {
	if (!input.listingIsFull) return undefined;
	const listed = new Set(input.events.filter((e) => e.status !== 'cancelled').map((e) => e.id));
	if (input.links.some((link) => listed.has(link.eventId))) return undefined;
	return (
		`The calendar looks empty: none of the ${input.links.length} linked events were listed, ` +
		'so every activity would be deleted or re-created. ' +
		'Check the chosen calendar and the credential, or enable "Allow Mass Deletion" if this ' +
		'is intended.'
	);
}

function tooManyDeletions(plan: ReconcilePlan, linkCount: number): string | undefined {
	const deletes = plan.calendar.filter((op) => op.verb === 'delete');
	const deletions =
		deletes.length + plan.activities.filter((change) => change.action === 'delete').length;
	if (deletions < MASS_MIN_DELETIONS || deletions <= linkCount * MASS_SHARE) return undefined;
	// Leaving the scope counts too: a type renamed in the CRM (the filter compares names) looks exactly like this.
	const leftScope = deletes.filter((op) => op.reason === 'notSynced').length;
	const why =
		leftScope * 2 > deletions
			? ` ${leftScope} of them because their activity is no longer of a type in ` +
				`"Activity Types" (was a type renamed?) or became private under "Don't sync".`
			: '';
	return (
		`This run would delete ${deletions} of ${linkCount} synced items, ` +
		`more than half.${why} Nothing was changed. Enable "Allow Mass Deletion" if this is ` +
		'intended.'
	);
}
