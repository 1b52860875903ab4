/**
 * Pieces shared by the case screen and its panels (case-persons, case-evidence, case-export):
 * the case's types from the API schema, the caller's powers in the case, a panel section, and
 * saving a downloaded file.
 */
import type { ReactNode } from 'react';
import type { paths } from '../api/client.js';

export type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type CaseDetail = Json<paths['/v1/cases/{id}']['get']['responses'][200]>;
export type Member = CaseDetail['members'][number];
export type Role = Member['role'];

export const ROLE_LABEL: Record<Role, string> = {
  lead: 'Lead',
  investigator: 'Investigator',
  analyst: 'Analyst',
  advocate: 'Advocate',
  observer: 'Observer',
};

/** What the caller may do in the case; the server decides, the screen hides what it would refuse. */
export interface Powers {
  /** Change the case and its members, grant victim data, destroy it (leads, admins). */
  readonly manage: boolean;
  /** Add links, notes, tasks, persons, captures; export (members but observers). */
  readonly write: boolean;
}

export function powersOf(role: Role | undefined, admin: boolean): Powers {
  if (admin) return { manage: true, write: true };
  return { manage: role === 'lead', write: role !== undefined && role !== 'observer' };
}

export function Section(props: {
  readonly title: string;
  readonly id: string;
  readonly children: ReactNode;
  readonly actions?: ReactNode;
}) {
  return (
    <section className="panel cs-section" aria-labelledby={props.id}>
      {props.actions === undefined ? (
        <h3 id={props.id}>{props.title}</h3>
      ) : (
        <div className="cs-section-head">
          <h3 id={props.id}>{props.title}</h3>
          {props.actions}
        </div>
      )}
      {props.children}
    </section>
  );
}

/** Saves a Blob as a file: a real download through a temporary <a download>, URL revoked after. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The values of a text field holding one a line, trimmed, empty lines dropped. */
export function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** Ids separated by spaces, commas or lines. */
export function idsOf(text: string): string[] {
  return text.split(/[\s,]+/).filter((value) => value !== '');
}

/** A byte count in words: 1.2 MB, 340 kB, 12 B. */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}
