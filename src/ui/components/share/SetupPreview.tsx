// What a setup from outside (a link, a file, a preset) contains, shown as plain text before the
// user opens it: name, model (with where it would load from), templates, labels, inputs.
import { findCatalogModel, isTestModelId } from '../../../core/models';
import type { PromptSetup } from '../../../core/setup';
import { openAsNewSetup } from '../../../store/open-setup';
import { activeTemplate } from '../../../store/workspace';
import { useT } from '../../i18n';

export function ModelOrigin({ setup }: { setup: PromptSetup }) {
  const t = useT();
  const { id, source } = setup.model;
  const catalog = findCatalogModel(id);
  return (
    <span>
      <code className="model-id" data-testid="preview-model">
        {id}
      </code>{' '}
      <span className="hint">
        {isTestModelId(id)
          ? t('preview.model.test')
          : source === 'local'
            ? t('preview.model.app')
            : catalog?.sizeMB
              ? t('preview.model.hubSized', { size: catalog.sizeMB })
              : t('preview.model.hub')}
      </span>
    </span>
  );
}

export function SetupPreview({ setup }: { setup: PromptSetup }) {
  const t = useT();
  const active = activeTemplate(setup);
  return (
    <dl className="setup-preview" data-testid="setup-preview">
      <dt>{t('preview.name')}</dt>
      <dd>{setup.name || t('preview.unnamed')}</dd>
      <dt>{t('preview.model')}</dt>
      <dd>
        <ModelOrigin setup={setup} />
      </dd>
      <dt>{t('preview.template')}</dt>
      <dd>
        <code>{active.text}</code>
        {setup.templates.length > 1 ? (
          <span className="hint"> {t('preview.moreTemplates', { n: setup.templates.length - 1 })}</span>
        ) : null}
      </dd>
      <dt>{t('preview.labels')}</dt>
      <dd>{setup.verbalizer.labels.map((l) => `${l.label}: ${l.words.join(', ')}`).join(' · ')}</dd>
      <dt>{t('preview.inputs')}</dt>
      <dd>{t('preview.inputCount', { n: setup.inputs.length })}</dd>
    </dl>
  );
}

/** An imported setup before it is opened: what it holds, and the button that opens it as a new setup. */
export function ImportPreview({
  setup,
  onOpened,
  openTestId,
}: {
  setup: PromptSetup;
  onOpened(): void;
  openTestId: string;
}) {
  const t = useT();
  return (
    <div className="import-preview">
      <SetupPreview setup={setup} />
      <button
        className="btn primary"
        onClick={() => {
          openAsNewSetup(setup, 'import');
          onOpened();
        }}
        data-testid={openTestId}
      >
        {t('open.asNew')}
      </button>
      <p className="hint">{t('open.keepsPrevious')}</p>
    </div>
  );
}
