// The shape of a message catalog, and the few formatting helpers its entries share.
import type { IssueCode, IssueParams } from '../issues.ts';
import { percent as percentText } from '../percent.ts';

export type Locale = 'en' | 'zh';

/** A fixed text, or a function of the code's params (typed, so it can name no other param). */
export type MessageEntry<C extends IssueCode> = string | ((p: IssueParams<C>) => string);

/** One text per issue code. */
export type IssueCatalog = { readonly [C in IssueCode]: MessageEntry<C> };

/** A rate in [0, 1] as a whole percentage ("52%"); "—" for a value that is not a finite number. */
export const percent = (x: number): string => percentText(x, 0);
