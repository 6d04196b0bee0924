import { Dropbox } from 'dropbox';
import nodeFetch from 'node-fetch';
import type { FakeDropbox } from './fakeDropbox';

const DROPBOX_HOSTS = ['https://api.dropboxapi.com', 'https://content.dropboxapi.com'];

/** The real Dropbox SDK pointed at the fake by a URL-rewriting node-fetch (which has the buffer() the SDK needs). */
export function sdkFor(fake: FakeDropbox, accessToken: string): Dropbox {
	const fetch = (url: string, init: unknown) => {
		let target = url;
		for (const host of DROPBOX_HOSTS)
			if (url.startsWith(host)) target = fake.baseUrl + url.slice(host.length);
		return nodeFetch(target, init as never);
	};
	return new Dropbox({ accessToken, fetch });
}
