import { Page } from '../ui/kit.js';

export const NetworksScreen = () => <Page title="Networks">{null}</Page>;
export const NetworkScreen = (_: { networkId: string }) => <Page title="Network">{null}</Page>;
export const TemplateScreen = (_: { templateId: string }) => <Page title="Template">{null}</Page>;
