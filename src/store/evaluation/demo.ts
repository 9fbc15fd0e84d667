// The demo slice: one click on a demo dataset gives a runnable setup — its templates and
// verbalizer replace the workspace's (the model stays) and its data is loaded; Undo brings the
// previous templates and verbalizer back.
import { findDemoDataset } from '../../core/demo-datasets.ts';
import { parseData } from './data.ts';
import type { DemoSlice, SliceContext } from './state.ts';

export function demoSlice(ctx: SliceContext): DemoSlice {
  const { set, get, deps } = ctx;
  return {
    replacedSetup: null,

    loadDemo: async (id) => {
      const demo = findDemoDataset(id);
      if (!demo) return;
      const ws = deps.workspace.getState();
      const labels = ws.setup.verbalizer.labels.map((l) => l.label).join('\u0000');
      const demoLabels = demo.verbalizer.map((l) => l.label).join('\u0000');
      const sameTemplates = JSON.stringify(ws.setup.templates) === JSON.stringify(demo.templates);
      if (labels !== demoLabels || !sameTemplates) {
        set({ replacedSetup: { setup: ws.setup, verbalizerText: ws.verbalizerText, demoId: demo.id } });
        ws.replaceSetup({
          ...ws.setup,
          templates: demo.templates.map((t) => ({ ...t })),
          activeTemplateId: demo.templates[0]!.id,
          verbalizer: { labels: demo.verbalizer.map((l) => ({ label: l.label, words: [...l.words] })) },
        });
      }
      set({ selectedTemplates: null, format: 'auto' });
      await parseData(
        ctx,
        demo.csv,
        { kind: 'demo', name: demo.fileName, demoId: demo.id, chars: demo.csv.length },
        'auto',
      );
    },
    undoDemoSetup: () => {
      const replaced = get().replacedSetup;
      if (!replaced) return;
      const ws = deps.workspace.getState();
      ws.replaceSetup(replaced.setup);
      ws.setVerbalizerText(replaced.verbalizerText);
      set({ replacedSetup: null });
    },
    dismissDemoSetup: () => set({ replacedSetup: null }),
  };
}
