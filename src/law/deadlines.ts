/**
 * Deadlines the service takes from the law: when an authority's order states none, the law that
 * binds the platform may. An order to act (remove) from an authority of a state whose law sets
 * a fixed removal deadline for platforms serving it (Australia's Online Safety Act s. 109: 24
 * hours) gets that deadline; an order to provide information from an EU member's authority to a
 * platform established in an EU member is an e-Evidence production order (Regulation (EU)
 * 2023/1543: 10 days, 8 hours in an emergency) once the Regulation applies. The answer cites
 * the provision, and says when it rests on an unverified fact. Pure.
 */

import { cooperationRoutes, providerDuties } from './reason.js';
import type { LawData } from './schema.js';
import { CONTENT_KINDS } from './schema.js';

export interface OrderDeadlineRequest {
  readonly kind: 'act' | 'provide-information';
  /** The issuing authority's state (ISO 3166-1 alpha-2). */
  readonly jurisdiction: string;
  /** Where the platform is established, and the states it serves. */
  readonly established: readonly string[];
  readonly serving: readonly string[];
  readonly emergency?: boolean;
  /** YYYY-MM-DD. */
  readonly asOf: string;
}

export interface LegalDeadline {
  readonly hours: number;
  /** The provision, e.g. "Online Safety Act 2021 s. 109". */
  readonly citation: string;
  /** The data file the fact is in. */
  readonly source: string;
  readonly unverified: boolean;
  /** One sentence a reviewer reads next to the deadline. */
  readonly explanation: string;
}

/** The deadline the law sets for an order that states none; undefined when no law sets a number. */
export function orderDeadlineFromLaw(
  law: LawData,
  request: OrderDeadlineRequest,
): LegalDeadline | undefined {
  if (request.kind === 'act') {
    const answer = providerDuties(law, {
      established: [...request.established],
      serving: [...new Set([...request.serving, request.jurisdiction])],
      content: [...CONTENT_KINDS],
      asOf: request.asOf,
    });
    const removal = answer.duties
      .filter(
        (duty) =>
          duty.source === request.jurisdiction &&
          duty.duty === 'remove' &&
          duty.deadlineHours !== undefined,
      )
      .sort((a, b) => (a.deadlineHours as number) - (b.deadlineHours as number))[0];
    if (removal === undefined) return undefined;
    return {
      hours: removal.deadlineHours as number,
      citation: removal.citation,
      source: removal.source,
      unverified: removal.unverified,
      explanation: `${removal.citation} (${removal.sourceName}): ${removal.deadlineText}.`,
    };
  }
  const to = request.established[0];
  if (to === undefined || to === request.jurisdiction) return undefined;
  const answer = cooperationRoutes(law, {
    from: request.jurisdiction,
    to,
    data: 'subscriber',
    asOf: request.asOf,
    emergency: request.emergency === true,
  });
  const order = answer.routes.find(
    (route) =>
      route.kind === 'production-order' &&
      route.addressee === 'provider' &&
      route.deadlineHours !== undefined,
  );
  if (order === undefined) return undefined;
  const citation = order.provision ?? order.title;
  return {
    hours: order.deadlineHours as number,
    citation,
    source: order.instrument ?? order.id,
    unverified: order.unverified,
    explanation: `${order.title} (${citation}): ${order.deadlineText ?? `${order.deadlineHours} hours`}.`,
  };
}
