// "Import into Chatkeep": the shared conversation goes into this browser's
// storage, in the project the app has open, and becomes the conversation the
// app opens next.
import { importShareSnapshot, openChatStorage } from '@chatkeep/storage';
import { useUi } from '../data/ui-store.js';

export async function importIntoChatkeep(
  snapshot: unknown,
): Promise<{ conversationId: string; imported: boolean }> {
  const adapter = await openChatStorage();
  try {
    const ui = useUi.getState();
    const result = await importShareSnapshot(adapter, snapshot, { projectId: ui.projectId });
    const here = await adapter.getConversation(result.conversationId);
    // Already here, perhaps in another project: open it where it is.
    if (here && here.projectId !== ui.projectId) ui.setProject(here.projectId);
    useUi.getState().openConversation(result.conversationId);
    return result;
  } finally {
    await adapter.close();
  }
}
