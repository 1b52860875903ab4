import { Page } from '../ui/kit.js';

export const TransparencyScreen = () => <Page title="Transparency report">{null}</Page>;
