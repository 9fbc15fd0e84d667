import type { PromptLayout } from '../../core/template';

/** A filled prompt's text with its input(s) and its answer slot marked (tok-input, tok-answer). */
export function PromptSegments({ layout }: { layout: PromptLayout }) {
  return (
    <>
      {layout.segments.map((segment, i) => {
        const piece = layout.text.slice(segment.span.start, segment.span.end);
        if (segment.kind === 'input')
          return (
            <span key={i} className="tok-input">
              {piece}
            </span>
          );
        if (segment.kind === 'mask')
          return (
            <span key={i} className="tok-answer">
              {piece}
            </span>
          );
        return <span key={i}>{piece}</span>;
      })}
    </>
  );
}
