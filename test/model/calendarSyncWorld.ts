import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import {
	CloudSyncGoogleCalendarOAuth2Api,
	GOOGLE_CALENDAR_SCOPES,
} from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CalendarSync } from '../../nodes/CalendarSync/CalendarSync.node';
import { eventIdForActivity } from '../../nodes/shared/calendar/eventIds';
import { FakeAuth } from '../fakes/common/auth';
import { FakeCalendar } from '../fakes/calendar';
import type { Json } from '../fakes/calendar/store';
import { WorkflowHarness } from '../harness/workflow';

/**
 * A small world for the Calendar Sync model test: a CRM (Pipedrive-like, applies the node's activity changes as a
 * workflow would, without writing the event id back unless asked) and the user's Google Calendar (the fake), both
 * driven by a person, and the user's promise written as checks. Nothing here knows how the node decides.
 */

export const CAL = 'user@example.com';
const NODE = 'Calendar Sync';
export const BUSY = 'Busy';
const day = (offset: number) => DateTime.utc().startOf('day').plus({ days: offset }).toISODate()!;

export interface Settings {
	direction: 'oneWay' | 'twoWay';
	conflict: 'newest' | 'activities' | 'calendar';
	privatePolicy: 'private' | 'busy' | 'skip';
	/** Push only meetings and calls (tasks stay in the CRM). */
	typeFilter: boolean;
	propagateDeletions: boolean;
	/** The CRM stores the event id of activities it created from events. */
	writeBack: boolean;
	/** Google cuts listing pages short (two events a page). */
	shortPages?: boolean;
}

export type Command =
	| {
			k: 'crmCreate';
			type: string;
			title: number;
			day: number;
			hour: number | null;
			private: boolean;
	  }
	| { k: 'crmEdit'; pick: number; title: number }
	| { k: 'crmMove'; pick: number; day: number }
	| { k: 'crmDelete'; pick: number }
	| { k: 'crmPrivate'; pick: number }
	| { k: 'crmType'; pick: number; type: string }
	| { k: 'gCreate'; title: number; day: number; hour: number | null; private: boolean }
	| { k: 'gLookAlike'; pick: number; variant: 'same' | 'case' | 'spaces' }
	/** Someone else invites the user: an event only its organiser can change. */
	| { k: 'gInvite'; title: number; day: number; hour: number | null }
	| { k: 'gEdit'; pick: number; title: number }
	| { k: 'gMove'; pick: number; day: number }
	| { k: 'gDelete'; pick: number }
	| { k: 'gPrivate'; pick: number }
	/** A weekly series of three in Google (the node sees its instances, one activity each). */
	| { k: 'gSeries'; title: number; day: number; hour: number | null }
	/** The user edits or deletes one occurrence ("this event"). */
	| { k: 'gInstanceEdit'; pick: number; title: number }
	| { k: 'gInstanceDelete'; pick: number }
	/** The user renames the whole series ("all events"). */
	| { k: 'gSeriesEdit'; pick: number; title: number }
	/** The user renames "this and following events" from the second occurrence: Google splits the series. */
	| { k: 'gSplit'; pick: number; title: number }
	| { k: 'run' }
	| { k: 'manualRun' }
	| { k: 'loseState' }
	| { k: 'reset410' }
	| { k: 'refuseNextWrite' }
	| { k: 'settle' };

interface CrmActivity {
	id: string;
	json: IDataObject;
	/** The event this activity was created from (the CRM's view: it applied a "create" for that event). */
	originEvent?: string;
	/** Successful scheduled runs before the one that created it from an event (the run after that links it). */
	linkedAfterRun?: number;
	/** Title and start of that event when it was imported (what the activity still says unless edited since). */
	importLookKey?: string;
}

interface Content {
	summary: string;
	description: string;
	start: string;
	end: string;
	private: boolean;
}

/** An event the person created in Google: theirs. */
interface UserEvent {
	id: string;
	/** What the person last made it (or what the person's CRM-side change allowed the sync to make it). */
	content: Content;
	deletedByUser: boolean;
	/** The CRM person changed (or deleted) its counterpart activity since the last accepted change. */
	counterpartEdited: boolean;
	counterpartDeleted: boolean;
	/** Title up to case and spacing, and start, as created. */
	lookKey: string;
}

type Edit = { seq: number; subject?: string };

export class Violation extends Error {}

export class World {
	readonly auth = new FakeAuth();
	readonly fake = new FakeCalendar(this.auth);
	private harness!: WorkflowHarness;
	private parameters: IDataObject = {};
	readonly crm = new Map<string, CrmActivity>();
	readonly userEvents = new Map<string, UserEvent>();
	/** Events organised by someone else (the user holds an attendee's copy). */
	readonly invited = new Set<string>();
	/** The user's live series: master id -> the day offset and hour of its first occurrence (weekly, three or fewer). */
	readonly series = new Map<
		string,
		{ day: number; hour: number | null; count: number; splittable: boolean }
	>();
	private nextId = 1;
	private runs = 0;
	private seq = 0;
	/** The last person's edit of a subject on each side since the last successful run, for the conflict check. */
	private crmEdits = new Map<string, Edit>();
	private googleEdits = new Map<string, Edit>();
	private refuseWrites = false;
	readonly log: string[] = [];

	constructor(readonly settings: Settings) {}

	async start(): Promise<void> {
		await this.fake.start();
		if (this.settings.shortPages) this.fake.pages = { size: 2 };
		// n8n runs a node only when it has input: the CRM always has one activity (never deleted).
		this.crm.set('c0', {
			id: 'c0',
			json: {
				id: 'c0',
				type: 'call',
				subject: 'CRM base',
				due_date: day(1),
				due_time: '07:00',
				duration: '00:30',
				note: '',
				private: false,
				update_time: this.now(),
			},
		});
		this.harness = new WorkflowHarness()
			.registerNode('calendarSync', new CalendarSync())
			.registerCredentialType(new CloudSyncGoogleCalendarOAuth2Api());
		const tokens = this.auth.issue('google', GOOGLE_CALENDAR_SCOPES);
		const credential = this.harness.credentials.add({
			id: 'gcal',
			name: 'Google Calendar',
			type: 'cloudSyncGoogleCalendarOAuth2Api',
			data: {
				clientId: 'fake-client-id',
				clientSecret: 'fake-client-secret',
				accessTokenUrl: `${this.fake.baseUrl}/token`,
				authUrl: `${this.fake.baseUrl}/authorize`,
				apiBaseUrl: this.fake.baseUrl,
				oauthTokenData: {
					access_token: tokens.access_token,
					refresh_token: tokens.refresh_token,
					token_type: 'Bearer',
				},
			},
		});
		const s = this.settings;
		this.parameters = {
			operation: 'sync',
			calendar: { __rl: true, mode: 'id', value: CAL },
			direction: s.direction,
			conflictPolicy: s.conflict,
			privatePolicy: s.privatePolicy,
			propagateDeletions: s.propagateDeletions,
			activityTypes: s.typeFilter ? 'meeting, call' : '',
			importType: 'meeting',
			options: { busyTitle: BUSY },
			...(s.writeBack ? { fieldMapping: { eventId: 'event_id' } } : {}),
		};
		this.harness.addNode({
			name: NODE,
			type: 'calendarSync',
			parameters: this.parameters as never,
			credentials: { cloudSyncGoogleCalendarOAuth2Api: credential },
		});
	}

	async stop(): Promise<void> {
		await this.fake.stop();
	}

	// ---- the people ----

	async apply(command: Command): Promise<void> {
		this.log.push(JSON.stringify(command));
		switch (command.k) {
			case 'crmCreate': {
				const id = `c${this.nextId++}`;
				this.crm.set(id, {
					id,
					json: {
						id,
						type: command.type,
						subject: `CRM ${command.title}`,
						due_date: day(command.day),
						due_time: command.hour === null ? '' : `${String(command.hour).padStart(2, '0')}:00`,
						duration: command.hour === null ? '' : '01:00',
						note: '',
						private: command.private,
						update_time: this.now(),
					},
				});
				return;
			}
			case 'crmEdit':
				return this.crmChange(command.pick, (a) => {
					if (a.json.subject === `CRM ${command.title} edited`) return;
					a.json.subject = `CRM ${command.title} edited`;
					// Under "Busy" a private activity's title never reaches the calendar: no conflict to decide.
					if (!a.json.private || this.settings.privatePolicy !== 'busy')
						this.crmEdits.set(a.id, { seq: ++this.seq, subject: String(a.json.subject) });
				});
			case 'crmMove':
				return this.crmChange(command.pick, (a) => {
					a.json.due_date = day(command.day);
				});
			case 'crmPrivate':
				return this.crmChange(command.pick, (a) => {
					a.json.private = !a.json.private;
					if (this.settings.privatePolicy === 'busy') this.crmEdits.delete(a.id);
				});
			case 'crmType':
				return this.crmChange(command.pick, (a) => {
					a.json.type = command.type;
				});
			case 'crmDelete': {
				const activity = this.pickActivity(command.pick);
				if (!activity || activity.id === 'c0') return;
				this.crm.delete(activity.id);
				this.crmEdits.delete(activity.id);
				const own = activity.originEvent ? this.userEvents.get(activity.originEvent) : undefined;
				if (own) own.counterpartDeleted = true;
				return;
			}
			case 'gCreate': {
				const created = this.fake.userCreate(CAL, {
					summary: `Google ${command.title}`,
					description: `notes ${command.title}`,
					...this.times(command.day, command.hour),
					...(command.private ? { visibility: 'private' } : {}),
				});
				this.own(created);
				return;
			}
			case 'gInvite': {
				const created = this.fake.userInvited(
					CAL,
					{
						summary: `Invitation ${command.title}`,
						description: 'from the boss',
						...this.times(command.day, command.hour),
					},
					{ email: 'boss@example.com' },
				);
				this.own(created);
				this.invited.add(String(created.id));
				return;
			}
			case 'gLookAlike': {
				const model = this.pickUserEvent(command.pick);
				if (!model) return;
				const source = this.fake.event(CAL, model.id)!;
				const summary =
					command.variant === 'case'
						? String(source.summary).toUpperCase()
						: command.variant === 'spaces'
							? ` ${String(source.summary).replace(' ', '  ')} `
							: source.summary;
				this.own(
					this.fake.userCreate(CAL, {
						summary,
						description: source.description,
						start: source.start,
						end: source.end,
						visibility: source.visibility,
					}),
				);
				return;
			}
			case 'gEdit':
				return this.googleChange(command.pick, { summary: `Google ${command.title} edited` });
			case 'gMove': {
				const event = this.pickLiveEvent(command.pick);
				if (!event) return;
				const allDay = Boolean((event.start as IDataObject | undefined)?.date);
				return this.googleChange(command.pick, this.times(command.day, allDay ? null : 14));
			}
			case 'gPrivate': {
				const event = this.pickLiveEvent(command.pick);
				if (!event) return;
				return this.googleChange(command.pick, {
					visibility: event.visibility === 'private' ? 'default' : 'private',
				});
			}
			case 'gDelete': {
				const event = this.pickLiveEvent(command.pick);
				if (!event) return;
				this.fake.userDelete(CAL, event.id);
				// The deletion is the user's last word on this event: an earlier title edit is no longer in any conflict.
				this.googleEdits.delete(event.id);
				const own = this.userEvents.get(event.id);
				if (own) own.deletedByUser = true;
				return;
			}
			case 'gSeries':
				return this.createSeries(`Series ${command.title}`, command.day, command.hour);
			case 'gInstanceEdit': {
				const instance = this.pickInstance(command.pick);
				if (instance)
					this.googleChangeOf(this.fake.event(CAL, instance.id)!, {
						summary: `Occurrence ${command.title} edited`,
					});
				return;
			}
			case 'gInstanceDelete': {
				const instance = this.pickInstance(command.pick);
				if (!instance) return;
				this.fake.userDelete(CAL, instance.id);
				instance.deletedByUser = true;
				return;
			}
			case 'gSeriesEdit': {
				const masters = [...this.series.keys()];
				if (!masters.length) return;
				const master = masters[command.pick % masters.length];
				this.fake.userEdit(CAL, master, { summary: `Series ${command.title} renamed` });
				return this.refreshSeries(master);
			}
			case 'gSplit': {
				const masters = [...this.series].filter(([, info]) => info.splittable && info.count >= 2);
				if (!masters.length) return;
				const [master, info] = masters[command.pick % masters.length];
				const second = this.seriesStart(info.day + 7, info.hour);
				const next = this.fake.userSplitSeries(CAL, master, second, {
					summary: `Series ${command.title} from here`,
				});
				const rest = info.count - 1;
				info.splittable = false;
				info.count = 1;
				this.refreshSeries(master);
				this.series.set(next, {
					day: info.day + 7,
					hour: info.hour,
					count: rest,
					splittable: true,
				});
				for (const id of this.instanceIds(next)) this.own(this.fake.event(CAL, id)!);
				return;
			}
			case 'run':
				return void (await this.run('trigger'));
			case 'manualRun':
				return void (await this.run('manual'));
			case 'loseState':
				this.harness.staticData = {};
				// Without its status the sync cannot tell "both changed" from "one changed": no conflict to check until settled.
				this.crmEdits.clear();
				this.googleEdits.clear();
				return;
			case 'reset410':
				this.fake.invalidateSyncTokens(CAL);
				return;
			case 'refuseNextWrite':
				this.refuseWrites = true;
				return;
			case 'settle':
				return this.settle();
		}
	}

	private crmChange(pick: number, change: (activity: CrmActivity) => void): void {
		const activity = this.pickActivity(pick);
		if (!activity) return;
		change(activity);
		activity.json.update_time = this.now();
		const own = activity.originEvent ? this.userEvents.get(activity.originEvent) : undefined;
		if (own) own.counterpartEdited = true;
	}

	private googleChange(pick: number, patch: IDataObject): void {
		const event = this.pickLiveEvent(pick);
		if (event) this.googleChangeOf(event, patch);
	}

	private googleChangeOf(event: Json, patch: IDataObject): void {
		// Google lets only the organiser change an invitation.
		if (this.invited.has(String(event.id))) return;
		const after = this.fake.userEdit(CAL, event.id, patch);
		// Setting the title it already has is no edit (Google bumps the etag, the content is the same).
		if (patch.summary && patch.summary !== event.summary)
			this.googleEdits.set(event.id, { seq: ++this.seq, subject: String(patch.summary) });
		const own = this.userEvents.get(event.id);
		if (own) {
			own.content = contentOf(after);
			own.lookKey = lookKeyOf(own.content);
		}
	}

	private own(created: IDataObject): void {
		const content = contentOf(created);
		this.userEvents.set(String(created.id), {
			lookKey: lookKeyOf(content),
			id: String(created.id),
			content: contentOf(created),
			deletedByUser: false,
			counterpartEdited: false,
			counterpartDeleted: false,
		});
	}

	/** Without write-back the CRM cannot be matched to an import it changed before the sync linked it: a documented limit. */
	private pickActivity(pick: number): CrmActivity | undefined {
		const all = [...this.crm.values()].filter(
			(a) =>
				this.settings.writeBack ||
				a.linkedAfterRun === undefined ||
				a.linkedAfterRun + 1 < this.runs,
		);
		return all.length ? all[pick % all.length] : undefined;
	}

	private pickUserEvent(pick: number): UserEvent | undefined {
		const all = [...this.userEvents.values()].filter((e) => !e.deletedByUser && this.isLive(e.id));
		return all.length ? all[pick % all.length] : undefined;
	}

	private createSeries(summary: string, offset: number, hour: number | null): void {
		const start = this.seriesStart(offset, hour);
		const end =
			hour === null ? day(offset + 1) : `${day(offset)}T${String(hour + 1).padStart(2, '0')}:00:00`;
		const master = this.fake.userCreate(CAL, {
			summary,
			description: 'every week',
			start: hour === null ? { date: start } : { dateTime: start, timeZone: 'UTC' },
			end: hour === null ? { date: end } : { dateTime: end, timeZone: 'UTC' },
			recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
		});
		this.series.set(String(master.id), { day: offset, hour, count: 3, splittable: true });
		for (const id of this.instanceIds(String(master.id))) this.own(this.fake.event(CAL, id)!);
	}

	/** The original start of an occurrence, as the series writes it (local time in UTC, or a date). */
	private seriesStart(offset: number, hour: number | null): string {
		return hour === null ? day(offset) : `${day(offset)}T${String(hour).padStart(2, '0')}:00:00`;
	}

	private instanceIds(master: string): string[] {
		const info = this.series.get(master)!;
		return Array.from({ length: info.count }, (_, k) => {
			const date = day(info.day + 7 * k).replace(/-/g, '');
			return `${master}_${info.hour === null ? date : `${date}T${String(info.hour).padStart(2, '0')}0000Z`}`;
		});
	}

	/** After the user's own series-wide change: what the user now sees is theirs; occurrences it removed are gone by the user's hand. */
	private refreshSeries(master: string): void {
		for (const own of this.userEvents.values()) {
			if (!own.id.startsWith(`${master}_`) || own.deletedByUser) continue;
			const event = this.fake.event(CAL, own.id);
			if (!event || event.status === 'cancelled') {
				own.deletedByUser = true;
				continue;
			}
			own.content = contentOf(event);
			own.lookKey = lookKeyOf(own.content);
		}
	}

	private pickInstance(pick: number): UserEvent | undefined {
		const all = [...this.userEvents.values()].filter(
			(e) => !e.deletedByUser && e.id.includes('_') && this.isLive(e.id),
		);
		return all.length ? all[pick % all.length] : undefined;
	}

	/** Series masters are changed only through the series commands (as the user does in Google's dialog). */
	private pickLiveEvent(pick: number): Json | undefined {
		const all = this.fake.liveEvents(CAL).filter((e) => !e.recurrence);
		return all.length ? all[pick % all.length] : undefined;
	}

	private isLive(eventId: string): boolean {
		const event = this.fake.event(CAL, eventId);
		return event !== undefined && event.status !== 'cancelled';
	}

	private times(offset: number, hour: number | null): IDataObject {
		if (hour === null) return { start: { date: day(offset) }, end: { date: day(offset + 1) } };
		const start = `${day(offset)}T${String(hour).padStart(2, '0')}:00:00Z`;
		const end = `${day(offset)}T${String(hour + 1).padStart(2, '0')}:00:00Z`;
		return { start: { dateTime: start }, end: { dateTime: end } };
	}

	private now(): string {
		return DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss');
	}

	// ---- runs ----

	private input(): IDataObject[] {
		return [...this.crm.values()].map((a) => ({ ...a.json }));
	}

	async run(
		mode: 'trigger' | 'manual',
	): Promise<{ ok: boolean; writes: number; requests: number; activityChanges: number }> {
		const since = this.fake.mark();
		if (this.refuseWrites) {
			this.fake.inject({
				method: 'PATCH',
				action: { type: 'respond', status: 403, body: forbidden() },
			});
			this.fake.inject({
				method: 'POST',
				action: { type: 'respond', status: 403, body: forbidden() },
			});
			this.fake.inject({
				method: 'DELETE',
				action: { type: 'respond', status: 403, body: forbidden() },
			});
		}
		const before = this.snapshotPrivacy();
		let result = await this.harness.run({ input: this.input().map((json) => ({ json })), mode });
		if (result.status !== 'success' && /Safety stop/.test(result.error?.message ?? '')) {
			// The people in this model mean what they did: as the message says, they allow it once and run again.
			this.log.push(
				`  -> safety stop (${(result.error as { description?: string } | undefined)?.description ?? ''}); run again with "Allow Mass Deletion"`,
			);
			this.harness.setParameters(NODE, {
				...this.parameters,
				options: { busyTitle: BUSY, allowMassDeletion: true },
			} as never);
			result = await this.harness.run({ input: this.input().map((json) => ({ json })), mode });
			this.harness.setParameters(NODE, this.parameters as never);
		}
		if (this.refuseWrites) this.fake.clearFaults();
		const faulted = this.refuseWrites;
		this.refuseWrites = false;
		const requests = this.fake.requests({ since });
		const writes = requests.filter((r) => r.method !== 'GET').length;
		const ok = result.status === 'success';
		const output = ok ? result.output(NODE).map((item) => item.json) : [];
		this.log.push(
			`  -> ${result.status} ${writes} writes, output ${JSON.stringify(output.map((j) => `${j.target}:${j.action}:${j.activityId ?? ''}:${j.eventId ?? ''}`))}`,
		);
		if (!ok && !faulted)
			throw new Violation(`a run failed without a fault: ${result.error?.message}`);
		this.checkPrivacy(output, before);
		for (const item of output) {
			if (
				item.action === 'readOnly' &&
				!(this.invited.has(String(item.eventId)) && item.reason === 'organizedBySomeoneElse')
			) {
				throw new Violation(
					`event ${item.eventId} was reported read-only (${item.reason}) though the user can edit it`,
				);
			}
		}
		this.checkOutputDuplicates(output);
		const activityChanges = output.filter((j) => j.target === 'activity').length;
		this.applyToCrm(output);
		if (ok && mode === 'trigger') this.runs++;
		this.learnLinks();
		this.checkOwnership();
		this.checkDuplicates();
		if (ok) this.checkConflicts(output);
		return { ok, writes, requests: requests.length, activityChanges };
	}

	/** The workflow after the node: the CRM applies the changes, as a Pipedrive node would. */
	private applyToCrm(output: IDataObject[]): void {
		for (const change of output) {
			if (change.target !== 'activity') continue;
			const fields: IDataObject = {};
			for (const key of ['type', 'subject', 'note', 'due_date', 'due_time', 'duration', 'private'])
				if (key in change) fields[key] = change[key];
			if (change.action === 'create') {
				const id = `g${this.nextId++}`;
				const json: IDataObject = {
					id,
					type: 'meeting',
					subject: '',
					note: '',
					...fields,
					update_time: this.now(),
				};
				if (this.settings.writeBack) json.event_id = change.eventId;
				this.crm.set(id, {
					id,
					json,
					originEvent: String(change.eventId),
					linkedAfterRun: this.runs,
					importLookKey: this.userEvents.get(String(change.eventId))?.lookKey,
				});
			} else if (change.action === 'update') {
				const target = change.activityId
					? this.crm.get(String(change.activityId))
					: [...this.crm.values()].find((a) => a.originEvent === change.eventId);
				if (target) Object.assign(target.json, fields, { update_time: this.now() });
			} else if (change.action === 'delete') {
				if (change.activityId) this.crm.delete(String(change.activityId));
			}
		}
	}

	/**
	 * Runs until two runs in a row are quiet (no write, no activity change, one request): an import takes one run
	 * and its link one more, a refused write one more; six runs without that is a ping-pong.
	 */
	async settle(): Promise<void> {
		let quiet = 0;
		const seen: string[] = [];
		for (let i = 0; i < 6 && quiet < 2; i++) {
			const r = await this.run('trigger');
			seen.push(`${r.writes}w/${r.activityChanges}a/${r.requests}r`);
			quiet = r.ok && r.writes === 0 && r.activityChanges === 0 && r.requests <= 1 ? quiet + 1 : 0;
		}
		if (quiet < 2)
			throw new Violation(
				`no two quiet runs in a row after six runs with nothing new (writes/activity changes/requests: ${seen.join(', ')})`,
			);
		this.checkAgreement();
		this.crmEdits.clear();
		this.googleEdits.clear();
	}

	// ---- the promise ----

	private snapshotPrivacy(): Map<string, boolean> {
		return new Map(
			this.fake
				.liveEvents(CAL)
				.map((e) => [String(e.id), e.visibility === 'private' || e.visibility === 'confidential']),
		);
	}

	/** "Don't sync" private events: their details never reach the CRM. */
	private checkPrivacy(output: IDataObject[], before: Map<string, boolean>): void {
		if (this.settings.privatePolicy !== 'skip') return;
		for (const change of output) {
			if (change.target !== 'activity') continue;
			const eventId = String(change.eventId);
			const wasPrivate = before.get(eventId) ?? false;
			const ours =
				this.fake.event(CAL, eventId)?.extendedProperties?.private?.cloudSyncOrigin === 'activity';
			if (!wasPrivate || ours) continue;
			const discarded = (change.conflict as IDataObject | undefined)?.discarded as
				IDataObject | undefined;
			if (
				'subject' in change ||
				'note' in change ||
				(discarded && ('subject' in discarded || 'note' in discarded))
			) {
				throw new Violation(
					`the private event ${eventId} reached the CRM under "Don't sync": ${JSON.stringify(change)}`,
				);
			}
		}
	}

	/** An event already represented in the CRM is never imported again. */
	private checkOutputDuplicates(output: IDataObject[]): void {
		for (const change of output) {
			if (change.target !== 'activity' || change.action !== 'create') continue;
			const eventId = String(change.eventId);
			const tags = this.fake.event(CAL, eventId)?.extendedProperties?.private;
			// Only an edit that beat the deletion of its activity brings such an event back as a new activity.
			if (tags?.cloudSyncOrigin === 'activity' && !change.conflict)
				throw new Violation(
					`the event ${eventId} the sync wrote for an activity was imported as a new activity`,
				);
			if ([...this.crm.values()].some((a) => a.originEvent === eventId))
				throw new Violation(`the event ${eventId} was imported a second time`);
		}
	}

	/** The person's own Google events change only as the person's own CRM-side change and the policy allow. */
	private checkOwnership(): void {
		const twoWay = this.settings.direction === 'twoWay';
		for (const own of this.userEvents.values()) {
			if (own.deletedByUser) continue;
			const now = this.fake.event(CAL, own.id);
			if (!now || now.status === 'cancelled') {
				if (twoWay && this.settings.propagateDeletions && own.counterpartDeleted) {
					own.deletedByUser = true;
					continue;
				}
				throw new Violation(
					`the sync deleted the event "${own.content.summary}" (${own.id}) that the user created in Google`,
				);
			}
			const content = contentOf(now);
			if (sameContent(content, own.content)) continue;
			const counterpart = [...this.crm.values()].find((a) => a.originEvent === own.id);
			const allowed =
				twoWay &&
				own.counterpartEdited &&
				counterpart !== undefined &&
				plain(content.summary) === plain(String(counterpart.json.subject));
			if (!allowed) {
				throw new Violation(
					`the sync changed the user's own event ${own.id}: ${JSON.stringify(own.content)} -> ${JSON.stringify(content)}`,
				);
			}
			own.content = content;
			own.counterpartEdited = false;
		}
	}

	/**
	 * Look-alike events (same title up to case and spacing, same start) cannot be told apart without write-back:
	 * whichever of them the sync linked to an activity made from one of them is as good. Anything else is a mix-up.
	 */
	private learnLinks(): void {
		for (const event of this.fake.liveEvents(CAL)) {
			const own = this.userEvents.get(String(event.id));
			const activity = this.crm.get(event.extendedProperties?.private?.cloudSyncActivityId);
			if (!own || !activity?.originEvent || activity.originEvent === own.id) continue;
			const before = this.userEvents.get(activity.originEvent);
			// The activity still says what its event said when imported, though the user edited that event since (and
			// then deleted it, deletions not synced): it looks like the new event as much as the new event's own import.
			const stillImported =
				activity.importLookKey === own.lookKey &&
				plain(String(activity.json.subject)) === plain(own.content.summary);
			if (!before || (before.lookKey !== own.lookKey && !stillImported)) {
				throw new Violation(
					`activity ${activity.id} (from event ${activity.originEvent}) was linked to the unrelated event ${own.id}`,
				);
			}
			const other = [...this.crm.values()].find((a) => a.originEvent === own.id);
			if (other) other.originEvent = activity.originEvent;
			activity.originEvent = own.id;
		}
	}

	/** One activity, one event; one event, one activity. */
	private checkDuplicates(): void {
		const byTag = new Map<string, string[]>();
		for (const event of this.fake.liveEvents(CAL)) {
			const tag = event.extendedProperties?.private?.cloudSyncActivityId;
			if (tag) byTag.set(tag, [...(byTag.get(tag) ?? []), String(event.id)]);
		}
		for (const [tag, ids] of byTag)
			if (ids.length > 1)
				throw new Violation(`activity ${tag} has ${ids.length} events: ${ids.join(', ')}`);
		// An activity that came from a Google event never gets a second, new event of its own.
		for (const event of this.fake.liveEvents(CAL)) {
			const tags = event.extendedProperties?.private ?? {};
			if (tags.cloudSyncOrigin !== 'activity') continue;
			// "Disconnect and delete the events this sync created" goes by that tag: a user's event must never carry it.
			if (this.userEvents.has(String(event.id)))
				throw new Violation(
					`the user's own event ${event.id} was relabelled as created by the sync`,
				);
			const activity = this.crm.get(tags.cloudSyncActivityId);
			if (
				activity?.originEvent &&
				activity.originEvent !== event.id &&
				this.isLive(activity.originEvent)
			)
				throw new Violation(
					`activity ${activity.id}, created from event ${activity.originEvent}, got a second event ${event.id}`,
				);
		}
		const origins = new Map<string, string>();
		for (const activity of this.crm.values()) {
			if (!activity.originEvent) continue;
			const twin = origins.get(activity.originEvent);
			if (twin)
				throw new Violation(
					`activities ${twin} and ${activity.id} were both created from event ${activity.originEvent}`,
				);
			origins.set(activity.originEvent, activity.id);
		}
	}

	/** Both sides changed the same subject since the last run: the chosen policy decides, and it says so. */
	private checkConflicts(output: IDataObject[]): void {
		if (this.settings.direction !== 'twoWay' || this.settings.conflict === 'newest') {
			this.crmEdits.clear();
			this.googleEdits.clear();
			return;
		}
		for (const [activityId, crmEdit] of this.crmEdits) {
			const activity = this.crm.get(activityId);
			if (!activity) continue;
			const eventId = this.eventOf(activity);
			const googleEdit = eventId ? this.googleEdits.get(eventId) : undefined;
			if (!eventId || !googleEdit || !this.isLive(eventId)) continue;
			if (
				this.settings.privatePolicy !== 'private' &&
				(activity.json.private || this.fake.event(CAL, eventId)!.visibility === 'private')
			)
				continue;
			const winner = this.settings.conflict === 'calendar' ? googleEdit.subject : crmEdit.subject;
			const summary = this.fake.event(CAL, eventId)!.summary;
			if (summary !== winner || activity.json.subject !== winner) {
				throw new Violation(
					`conflict on ${activityId}/${eventId} under "${this.settings.conflict}": calendar "${summary}", activity "${activity.json.subject}", expected "${winner}"`,
				);
			}
			const reported = output.some((j) => j.activityId === activityId && j.conflict);
			if (!reported)
				throw new Violation(`the conflict on ${activityId}/${eventId} was not reported`);
		}
		this.crmEdits.clear();
		this.googleEdits.clear();
	}

	/** The activity's event: the live one carrying its tag, else the one it came from, else the one derived from its id. */
	private eventOf(activity: CrmActivity): string | undefined {
		const tagged = this.fake
			.liveEvents(CAL)
			.find((e) => e.extendedProperties?.private?.cloudSyncActivityId === activity.id);
		if (tagged) return String(tagged.id);
		if (activity.originEvent) return activity.originEvent;
		return eventIdForActivity(activity.id);
	}

	/** After settling: every activity that belongs in the calendar is there once, and both sides agree. */
	private checkAgreement(): void {
		const s = this.settings;
		for (const activity of this.crm.values()) {
			const eventId = this.eventOf(activity)!;
			const event = this.fake.event(CAL, eventId);
			const live = event !== undefined && event.status !== 'cancelled';
			const isPrivate = Boolean(activity.json.private);
			const inFilter =
				!s.typeFilter ||
				activity.originEvent !== undefined ||
				['meeting', 'call'].includes(String(activity.json.type));
			if (isPrivate && s.privatePolicy === 'skip') {
				if (live && !activity.originEvent)
					throw new Violation(
						`the private activity ${activity.id} is in Google under "Don't sync"`,
					);
				continue;
			}
			if (!inFilter) continue;
			// An invitation keeps the organiser's version: the refused change was reported (checked in run()).
			if (activity.originEvent && this.invited.has(activity.originEvent)) continue;
			// "Don't sync" and an event made private in Google: the pair goes quiet (nothing crosses either way).
			if (
				live &&
				s.privatePolicy === 'skip' &&
				s.direction === 'twoWay' &&
				(event.visibility === 'private' || event.visibility === 'confidential')
			)
				continue;
			if (!live) {
				if (activity.originEvent && s.direction === 'twoWay' && !s.propagateDeletions) continue;
				throw new Violation(
					`activity ${activity.id} "${activity.json.subject}" has no event after settling`,
				);
			}
			const ours = event.extendedProperties?.private?.cloudSyncOrigin === 'activity';
			const expected =
				isPrivate && s.privatePolicy === 'busy' && ours ? BUSY : activity.json.subject;
			// Look-alikes are linked as they are: titles may differ in case and spacing.
			if (plain(String(event.summary)) !== plain(String(expected)))
				throw new Violation(
					`activity ${activity.id} says "${activity.json.subject}", its event says "${event.summary}" after settling`,
				);
		}
	}
}

function lookKeyOf(content: Content): string {
	return `${plain(content.summary)}|${content.start}`;
}

function plain(title: string): string {
	return title.trim().replace(/\s+/g, ' ').toLowerCase();
}

function forbidden() {
	return {
		error: {
			code: 403,
			message: 'Forbidden',
			errors: [{ domain: 'global', reason: 'forbidden', message: 'Forbidden' }],
		},
	};
}

function contentOf(event: IDataObject): Content {
	const time = (t: IDataObject | undefined) =>
		String(t?.date ?? (t?.dateTime ? DateTime.fromISO(String(t.dateTime)).toUTC().toISO() : ''));
	return {
		summary: String(event.summary ?? ''),
		description: String(event.description ?? '').trimEnd(),
		start: time(event.start as IDataObject),
		end: time(event.end as IDataObject),
		private: event.visibility === 'private' || event.visibility === 'confidential',
	};
}

function sameContent(a: Content, b: Content): boolean {
	return (
		a.summary === b.summary &&
		a.description === b.description &&
		a.start === b.start &&
		a.end === b.end &&
		a.private === b.private
	);
}
