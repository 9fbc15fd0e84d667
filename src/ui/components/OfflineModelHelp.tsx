import { findCatalogModel, testModelFor } from '../../core/models';
import { loadModel } from '../../store/runtime';
import { useWorkspace } from '../../store/workspace';
import { useT } from '../i18n';

/**
 * When the Hub can't be reached (a classroom without internet, the first visit): what that means,
 * and one click to the generated test model of the same language, which the app itself serves.
 */
export function OfflineModelHelp() {
  const t = useT();
  const ref = useWorkspace((s) => s.setup.model);
  const test = testModelFor(findCatalogModel(ref.id)?.language);
  return (
    <p style={{ margin: '6px 0 0' }} data-testid="offline-help">
      {t('model.hubUnreachableHelp')}{' '}
      <button
        className="btn small primary"
        onClick={() => {
          const next = { ...ref, id: test.id, source: test.source };
          void loadModel(next); // becomes the setup's model once it has loaded
        }}
      >
        {t('model.useOfflineTestModel', { model: test.id })}
      </button>
    </p>
  );
}
