import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import {
	CloudSyncGoogleCalendarOAuth2Api,
	GOOGLE_CALENDAR_SCOPES,
} from '../../credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
import { CalendarSync } from '../../nodes/CalendarSync/CalendarSync.node';
import { FakeAuth } from '../fakes/common/auth';
import { FakeCalendar } from '../fakes/calendar';
import { FakeOAuth } from '../fakes/oauth';
import { WorkflowHarness, type RunResult } from '../harness/workflow';
import { errorText, isClear } from './support/clarity';
import { FaultReport } from './support/report';
import { sweepAndReport } from './support/lifecycle';
import { tally } from './support/runs';
import { SecretSweep } from './support/secrets';

/**
 * Calendar Sync (one-way, activities -> Google Calendar) under the faults of issue 9. Lost: an activity without a
 * live event once the runs settled; duplicated: an activity with more than one live event.
 */

const report = new FaultReport('calendarSync');
const sweep = new SecretSweep();
const CAL = 'user@example.com';
const NODE = 'Calendar Sync';
const day = (offset: number) => DateTime.utc().startOf('day').plus({ days: offset }).toISODate()!;
const activities = (count: number) =>
	Array.from({ length: count }, (_, i) => ({
		id: `A${i}`,
		type: 'meeting',
		subject: `Meeting ${i}`,
		due_date: day(1 + i),
		due_time: '09:00',
		duration: '01:00',
		update_time: '2020-01-01 00:00:00',
	}));

interface Case {
	fake: FakeCalendar;
	harness: WorkflowHarness;
	unclear: number;
	run(input: IDataObject[], mode?: 'trigger' | 'manual'): Promise<RunResult>;
	expectClearFailure(result: RunResult, names: string[]): string;
	tokens(): { access_token: string; refresh_token: string };
	reconnect(): void;
}

function faultCase(
	fault: string,
	body: (c: Case) => Promise<{ expected: string[]; note?: string }>,
): void {
	test(`Google Calendar: ${fault}`, async () => {
		const auth = new FakeAuth();
		sweep.watch(auth);
		const fake = new FakeCalendar(auth);
		const oauth = new FakeOAuth(auth);
		await fake.start();
		await oauth.start();
		const harness = new WorkflowHarness()
			.registerNode('calendarSync', new CalendarSync())
			.registerCredentialType(new CloudSyncGoogleCalendarOAuth2Api());
		const connect = () => {
			const tokens = auth.issue('google', GOOGLE_CALENDAR_SCOPES);
			harness.credentials.add({
				id: 'gcal',
				name: 'Google Calendar',
				type: 'cloudSyncGoogleCalendarOAuth2Api',
				data: {
					clientId: 'fake-client-id',
					clientSecret: 'fake-client-secret',
					accessTokenUrl: oauth.tokenUrl('google'),
					authUrl: `${oauth.baseUrl}/o/oauth2/v2/auth`,
					apiBaseUrl: fake.baseUrl,
					oauthTokenData: {
						access_token: tokens.access_token,
						refresh_token: tokens.refresh_token,
						token_type: 'Bearer',
					},
				},
			});
		};
		connect();
		harness.addNode({
			name: NODE,
			type: 'calendarSync',
			parameters: {
				operation: 'sync',
				calendar: { __rl: true, mode: 'id', value: CAL },
				direction: 'oneWay',
				activityTypes: 'meeting',
			},
			credentials: { cloudSyncGoogleCalendarOAuth2Api: { id: 'gcal', name: 'Google Calendar' } },
		});
		const c: Case = {
			fake,
			harness,
			unclear: 0,
			async run(input, mode = 'trigger') {
				const result = await harness.run({ mode, input: input.map((json) => ({ json })) });
				sweep.run(result);
				return result;
			},
			expectClearFailure(result, names) {
				const text = errorText(result.nodeError(NODE));
				if (!isClear(text, names)) {
					c.unclear++;
					process.stderr.write(`UNCLEAR [${names.join(', ')}]: ${text}\n`);
				}
				return text;
			},
			tokens: () =>
				(harness.credentials.get('gcal').data as IDataObject).oauthTokenData as {
					access_token: string;
					refresh_token: string;
				},
			reconnect: connect,
		};
		try {
			const { expected, note } = await body(c);
			fake.clearFaults();
			const live = fake.liveEvents(CAL);
			const counted = tally(
				expected,
				(id) =>
					live.filter(
						(event) =>
							(event.extendedProperties as IDataObject | undefined)?.private &&
							(event.extendedProperties as { private: IDataObject }).private.cloudSyncActivityId ===
								id,
					).length,
			);
			report.record({
				node: 'Calendar Sync',
				provider: 'Google Calendar',
				fault,
				lost: counted.lost,
				duplicated: counted.duplicated,
				unclear: c.unclear,
				note,
			});
			expect({
				lost: counted.lostKeys,
				duplicated: counted.duplicatedKeys,
				unclear: c.unclear,
			}).toEqual({ lost: [], duplicated: [], unclear: 0 });
		} finally {
			await fake.stop();
			await oauth.stop();
		}
	});
}

const ok = (result: RunResult) => expect(result.error?.message ?? result.status).toBe('success');
const ids = (count: number) => activities(count).map((a) => a.id);
const rateLimited = (retryAfter: number) => ({
	type: 'respond' as const,
	status: 429,
	headers: { 'retry-after': String(retryAfter) },
	body: {
		error: {
			code: 429,
			message: 'Rate Limit Exceeded',
			errors: [
				{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' },
			],
		},
	},
});

describe('Calendar Sync faults', () => {
	faultCase('429 storm, Retry-After 1 s', async (c) => {
		c.fake.inject({ path: /^\/calendar\//, times: 3, action: rateLimited(1) });
		ok(await c.run(activities(4)));
		return { expected: ids(4) };
	});

	faultCase(
		'429 with Retry-After over the run limit: stops cleanly, next run resumes',
		async (c) => {
			c.fake.inject({ path: /^\/calendar\//, skip: 2, times: 1, action: rateLimited(600) });
			const stopped = await c.run(activities(4));
			expect(stopped.status).toBe('error');
			c.expectClearFailure(stopped, ['Calendar', 'A', 'event']);
			c.fake.clearFaults();
			ok(await c.run(activities(4)));
			return { expected: ids(4) };
		},
	);

	faultCase('5xx burst', async (c) => {
		c.fake.inject({
			path: /^\/calendar\//,
			times: 2,
			action: {
				type: 'respond',
				status: 503,
				body: { error: { code: 503, message: 'Backend Error' } },
			},
		});
		ok(await c.run(activities(3)));
		return { expected: ids(3) };
	});

	faultCase('token expiry mid-run (event writes)', async (c) => {
		c.fake.inject({ method: 'POST', path: /events/, skip: 1, action: { type: 'expireToken' } });
		ok(await c.run(activities(4)));
		return { expected: ids(4) };
	});

	faultCase('revoked refresh token (invalid_grant): reconnect, then resume', async (c) => {
		ok(await c.run(activities(2)));
		const tokens = c.tokens();
		c.fake.auth.revokeRefreshTokens(tokens.refresh_token);
		c.fake.auth.expireAccessTokens(tokens.access_token);
		const refused = await c.run(activities(4));
		expect(refused.status).toBe('error');
		expect(c.expectClearFailure(refused, ['credential'])).toMatch(/reconnect/i);
		c.reconnect();
		ok(await c.run(activities(4)));
		return { expected: ids(4) };
	});

	faultCase(
		'insufficient scope (read-only consent): error names the scope, reconnect resumes',
		async (c) => {
			c.fake.auth.setScopes(['https://www.googleapis.com/auth/calendar.events.readonly']);
			const refused = await c.run(activities(3));
			expect(refused.status).toBe('error');
			expect(c.expectClearFailure(refused, ['calendar.events'])).toMatch(/reconnect|scope/i);
			c.reconnect();
			ok(await c.run(activities(3)));
			return { expected: ids(3) };
		},
	);

	faultCase('sync token reset (410) between runs', async (c) => {
		ok(await c.run(activities(3)));
		c.fake.invalidateSyncTokens(CAL);
		ok(await c.run(activities(5)));
		return { expected: ids(5) };
	});

	faultCase('n8n killed mid-run (static data not saved)', async (c) => {
		ok(await c.run(activities(2)));
		const saved = structuredClone(c.harness.staticData);
		ok(await c.run(activities(4)));
		c.harness.staticData = saved;
		ok(await c.run(activities(5)));
		return { expected: ids(5) };
	});

	faultCase('manual run between two production runs', async (c) => {
		ok(await c.run(activities(2)));
		ok(await c.run(activities(4), 'manual'));
		ok(await c.run(activities(5)));
		return { expected: ids(5) };
	});

	faultCase('two overlapping runs (same stored state)', async (c) => {
		ok(await c.run(activities(1)));
		const runs = await c.harness.runConcurrently(2, {
			mode: 'webhook',
			input: activities(4).map((json) => ({ json })),
		});
		for (const run of runs) sweep.run(run);
		ok(await c.run(activities(4)));
		return { expected: ids(4) };
	});
});

sweepAndReport(sweep, report);
