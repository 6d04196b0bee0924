/**
 * The real API host names the built-in nodes (and ours, with no base URL set) call, and the loopback address
 * each gets inside the bench's network namespace. Host names that share an address are served by one listener.
 */
export const API_HOSTS = {
	/** Drive and Calendar share this host: a front door routes by path. */
	'www.googleapis.com': '127.0.0.2',
	'oauth2.googleapis.com': '127.0.0.3',
	'login.microsoftonline.com': '127.0.0.3',
	'graph.microsoft.com': '127.0.0.4',
	'api.dropboxapi.com': '127.0.0.5',
	'content.dropboxapi.com': '127.0.0.5',
	/** Dropbox's long poll for changes (files/list_folder/longpoll), which rclone's change notification uses. */
	'notify.dropboxapi.com': '127.0.0.5',
} as const;

export type ApiHost = keyof typeof API_HOSTS;

/** An /etc/hosts file for the namespace: loopback plus every API host name on its fake's address. */
export function hostsFile(): string {
	const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
	for (const [name, address] of Object.entries(API_HOSTS)) lines.push(`${address}\t${name}`);
	return `${lines.join('\n')}\n`;
}
