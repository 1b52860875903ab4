import { Page } from '../ui/kit.js';

export const SettingsScreen = () => <Page title="Settings">{null}</Page>;
