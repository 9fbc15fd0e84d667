import type { KeyboardEvent } from 'react';

/** A key handler for the playground's "run now": Ctrl+Enter (⌘+Enter on a Mac) runs `run`. */
export function runOnCtrlEnter(run: () => void): (event: KeyboardEvent<HTMLElement>) => void {
  return (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  };
}
