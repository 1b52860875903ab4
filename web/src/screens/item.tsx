import { Page } from '../ui/kit.js';

export const ItemScreen = (_: { itemId: string }) => <Page title="Item">{null}</Page>;
export const IdentifierScreen = (_: { identifier: string }) => (
  <Page title="Identifier">{null}</Page>
);
