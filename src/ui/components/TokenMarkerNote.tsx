import { useT } from '../i18n';

/**
 * One line under a list of tokens that explains the word-start marker they show: "Ġ" (byte-level
 * BPE's space) or "▁" (SentencePiece's). Nothing when none of `tokens` has one.
 */
export function TokenMarkerNote({ tokens }: { tokens: readonly string[] }) {
  const t = useT();
  const bpe = tokens.some((token) => token.startsWith('Ġ'));
  const sentencePiece = tokens.some((token) => token.startsWith('▁'));
  if (!bpe && !sentencePiece) return null;
  return (
    <>
      {bpe ? (
        <p className="hint token-marker-note" data-testid="token-marker-note">
          {t('tokens.markerBpe')}
        </p>
      ) : null}
      {sentencePiece ? (
        <p className="hint token-marker-note" data-testid="token-marker-note">
          {t('tokens.markerSentencePiece')}
        </p>
      ) : null}
    </>
  );
}
