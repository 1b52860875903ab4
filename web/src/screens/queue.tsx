import { Page } from '../ui/kit.js';

export const QueueScreen = () => <Page title="Review queue">{null}</Page>;
