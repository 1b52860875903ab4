import { Page } from '../ui/kit.js';

export const ReviewScreen = (_: { jobId: string }) => <Page title="Review">{null}</Page>;
