import { useRef, type ReactNode } from 'react';
import { filesFromInput, type PickedFile } from './pickedFiles';

/** "Open a model folder…": a button over a hidden directory input (the model panel's and the second model's). */
export function FolderPicker({
  label,
  onPicked,
  children,
}: {
  label: string;
  onPicked: (picked: PickedFile[]) => void;
  /** Shown after the button (e.g. "or drop its files here"). */
  children?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="row" style={{ marginTop: 8 }}>
      <button className="btn small" type="button" onClick={() => input.current?.click()}>
        {label}
      </button>
      {children}
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        aria-label={label}
        multiple
        {...{ webkitdirectory: '' }}
        onChange={(event) => {
          const picked = filesFromInput(event.target.files);
          event.target.value = '';
          onPicked(picked);
        }}
      />
    </div>
  );
}
