import type { ErrorShape } from './server';

/**
 * The answer of a fake to a route it does not model: 501 naming the method and route, never a generic 404 that a
 * client could read as "no such file" (issue 15). `envelope` wraps the message in the cloud's own error shape so
 * that its SDK shows the text.
 */
export function notModelled(
	method: string,
	route: string,
	envelope: (message: string) => unknown = (message) => message,
): ErrorShape {
	return { status: 501, body: envelope(`not modelled by this fake: ${method} ${route}`) };
}
