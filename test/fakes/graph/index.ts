export {
	FakeGraph,
	SIMPLE_UPLOAD_LIMIT,
	type FakeGraphOptions,
	type ItemRef,
	type TreeNode,
} from './fakeGraph';
export { GraphDrive, type DriveType, type GraphItem, type ConflictBehavior } from './drive';
export { FRAGMENT_UNIT } from './uploads';
export { SiteDirectory, type FakeSite } from './sites';
export { graphError, throttleError } from './errors';
