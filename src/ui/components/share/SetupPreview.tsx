// What a setup from outside (a link, a file, a preset) contains, shown as plain text before the
// user opens it: name, model (with where it would load from), templates, labels, inputs.
import { findCatalogModel, isTestModelId } from '../../../core/models';
import type { PromptSetup } from '../../../core/setup';
import { useState } from 'react';
import { NOT_KEPT_KEYS, openAsNewSetup } from '../../../store/open-setup';
import type { SavedSetupsFailure } from '../../../store/saved-setups';
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
  const [notKept, setNotKept] = useState<SavedSetupsFailure | null>(null);
  return (
    <div className="import-preview">
      <SetupPreview setup={setup} />
      <button
        className="btn primary"
        onClick={() => {
          const opened = openAsNewSetup(setup, 'import');
          if (opened.ok) onOpened();
          else setNotKept(opened.reason);
        }}
        data-testid={openTestId}
      >
        {t('open.asNew')}
      </button>
      <p className="hint">{t('open.keepsPrevious')}</p>
      {notKept ? (
        <p className="message error" role="alert" data-testid="open-not-kept">
          {t(NOT_KEPT_KEYS[notKept], { name: setup.name || t('preview.unnamed') })}
        </p>
      ) : null}
    </div>
  );
}
