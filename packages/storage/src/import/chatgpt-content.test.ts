import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportConversations } from '../export/index.js';
import { openDb } from '../export/test-support/databases.js';
import type { MessageInput } from '../types.js';
import { readChatGptExport } from './chatgpt.js';
import { replaceCitations } from './chatgpt-citations.js';
import { importConversations } from './index.js';

// Every content type ChatGPT's export holds, with the oddities real exports
// have: hidden context, reasoning nodes, a reasoning node no answer follows,
// an empty assistant node, a content type this reader does not know.
const text = readFileSync(new URL('./fixtures/chatgpt-content-types.json', import.meta.url), 'utf8');
const NOW = 1_800_000_000_000;

describe('ChatGPT content types', () => {
  const plan = readChatGptExport(JSON.parse(text), { now: NOW });
  const [types, odd] = plan.items;
  const byId = new Map<string, MessageInput>(plan.items.flatMap((i) => i.messages.map((m) => [m.id, m])));
  const notesOf = (id: string) => [...types!.notes!, ...odd!.notes!].filter((n) => n.messageId === id);

  it('never shows the text "null" or an empty bubble', () => {
    for (const m of byId.values()) {
      expect(m.content).not.toMatch(/^null$/);
      if (m.role !== 'tool' && !m.toolCalls) expect(m.content !== '' || m.metadata?.reasoning).toBeTruthy();
    }
  });

  it('multimodal_text: keeps the text and the transcription, and an attachment entry per image and audio part', () => {
    const u1 = byId.get('u1')!;
    expect(u1.content).toBe('What is in this photo and recording?');
    expect(u1.metadata?.attachments).toEqual([
      {
        name: 'file-Cat123',
        mediaType: 'image/*',
        assetPointer: 'file-service://file-Cat123',
        size: 204800,
        width: 1024,
        height: 768,
      },
      { name: 'file_Aud456', mediaType: 'audio/*', assetPointer: 'sediment://file_Aud456', size: 96000 },
    ]);
    expect(notesOf('u1').map((n) => n.text)).toEqual(
      expect.arrayContaining([
        'Image file-service://file-Cat123 (200 KB) is not included in the export; the message shows "Image not included in the export" in its place.',
        'Audio sediment://file_Aud456 (94 KB) is not included in the export; the message shows "Audio not included in the export" in its place.',
      ]),
    );
  });

  it("thoughts and reasoning_recap: kept in the answer's metadata, not as messages of their own", () => {
    expect(byId.has('th1')).toBe(false);
    expect(byId.has('rc1')).toBe(false);
    const a1 = byId.get('a1')!;
    expect(a1.parentId).toBe('u1');
    expect(a1.metadata).toMatchObject({
      model: 'o3',
      reasoning:
        'Looking at the photo\n\nThe photo shows a sleeping cat.\n\nChecking facts\n\nCats sleep 12 to 16 hours a day.',
      reasoningRecap: 'Thought for 2 seconds',
    });
    expect(notesOf('a1').filter((n) => n.kind === 'reasoning')).toEqual([
      {
        kind: 'reasoning',
        messageId: 'a1',
        text: 'Reasoning before this answer (thoughts, recap "Thought for 2 seconds") is kept in the answer\'s collapsible "Reasoning" block, not as messages of its own.',
      },
    ]);
  });

  it('keeps reasoning no answer follows as an answer showing only its reasoning', () => {
    expect(byId.get('th-alone')).toMatchObject({
      role: 'assistant',
      content: '',
      parentId: 'q',
      metadata: { reasoning: 'Stopped\n\nI was stopped before answering.' },
    });
    expect(odd!.conversation.activeLeafId).toBe('th-alone');
  });

  it('code and execution_output: a tool call with its language and the result answering it', () => {
    expect(byId.get('c2')).toMatchObject({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'c2', name: 'python', arguments: { language: 'python', code: 'print(1+1)' } }],
      metadata: { model: 'gpt-4o' },
    });
    expect(byId.get('o2')).toMatchObject({
      role: 'tool',
      toolName: 'python',
      toolCallId: 'c2',
      content: '2',
      toolResult: { output: '2' },
      metadata: {
        attachments: [
          { name: 'file-Plot789', mediaType: 'image/*', assetPointer: 'file-service://file-Plot789' },
        ],
      },
    });
  });

  it('tether_browsing_display and tether_quote: tool results with their text and address', () => {
    expect(byId.get('c3')?.toolCalls?.[0]).toMatchObject({ name: 'browser' });
    expect(byId.get('b3')).toMatchObject({
      role: 'tool',
      toolCallId: 'c3',
      content: '# Oslo weather\n5 °C, cloudy',
      toolResult: {
        text: '# Oslo weather\n5 °C, cloudy',
        url: 'https://weather.example/oslo',
        title: 'Oslo weather',
      },
    });
    expect(byId.get('q3')?.toolResult).toEqual({
      text: '5 °C, cloudy',
      url: 'https://weather.example/oslo',
      title: 'Oslo weather',
      domain: 'weather.example',
    });
  });

  it('system_error: kept with its text as the error', () => {
    expect(byId.get('e3')).toMatchObject({
      content: 'GetDownloadLinkError: Encountered exception: timeout',
      toolResult: { error: 'GetDownloadLinkError: Encountered exception: timeout' },
      metadata: { error: 'GetDownloadLinkError: Encountered exception: timeout' },
    });
  });

  it('user_editable_context: kept as hidden context of the first prompt, not as chat', () => {
    expect(byId.has('ctx')).toBe(false);
    expect(byId.get('u1')?.metadata?.hiddenContext).toEqual([
      {
        role: 'user',
        contentType: 'user_editable_context',
        text: 'The user is a vet in Oslo.\n\nAnswer briefly.',
      },
    ]);
  });

  it('replaces citation marks by their links, and removes the ones without', () => {
    expect(byId.get('a1')?.content).toBe(
      'A sleeping cat. Cats sleep a lot ([Cat sleep](https://example.org/cat-sleep)) and dream ([Wikipedia](https://en.wikipedia.org/wiki/Cat)).',
    );
    expect(byId.get('a3')?.content).toBe('It is 5 °C and cloudy.');
  });

  it('names an untitled conversation after the first words of its first prompt', () => {
    expect(types!.conversation.title).toBe('What is in this photo and recording?');
    const long = JSON.parse(text) as { title: unknown; mapping: Record<string, { message: unknown }> }[];
    const u1 = long[0]!.mapping.u1!.message as { content: { parts: unknown[] } };
    u1.content.parts[1] = {
      content_type: 'audio_transcription',
      text: 'Please tell me everything you can see in this photo of my cat sleeping',
    };
    const [item] = readChatGptExport(long.slice(0, 1), { now: NOW }).items;
    expect(item!.conversation.title).toBe('Please tell me everything you can see in…');
  });

  it('leaves out an empty assistant node and keeps a content type it does not know, saying so', () => {
    expect(byId.has('empty')).toBe(false);
    expect(notesOf('empty')).toEqual([
      { kind: 'empty', messageId: 'empty', text: 'An empty assistant message was left out.' },
    ]);
    expect(byId.get('fut')).toMatchObject({
      parentId: 'q',
      content: 'A widget',
      metadata: { chatgpt: { contentType: 'future_widget', widget: { kind: 'map' } } },
    });
    expect(notesOf('fut')[0]?.text).toBe(
      'Content of type "future_widget" is kept as it was in the message\'s metadata (metadata.chatgpt); its text is shown.',
    );
  });
});

describe('citation marks', () => {
  it('uses the first item of a content reference when it has no alt text', () => {
    const mark = '\ue200cite\ue202turn0news1\ue201';
    const result = replaceCitations(`Rain today ${mark}.`, {
      content_references: [
        { matched_text: mark, items: [{ title: 'Met office', url: 'https://met.example/today' }] },
      ],
    });
    expect(result).toEqual({ text: 'Rain today  ([Met office](https://met.example/today)).', marks: 1 });
  });

  it('removes marks and stray private-use characters the metadata does not explain, and leaves other text alone', () => {
    expect(replaceCitations('A【4†source】 B\ue203.', {})).toEqual({ text: 'A B.', marks: 2 });
    expect(replaceCitations('Plain 【not a citation】 text', {})).toEqual({
      text: 'Plain 【not a citation】 text',
      marks: 0,
    });
  });

  it('does not turn a link that is not http(s) into Markdown', () => {
    const result = replaceCitations('See【1†x】', {
      citations: [{ start_ix: 3, end_ix: 8, metadata: { title: 'x', url: 'javascript:alert(1)' } }],
    });
    expect(result.text).toBe('See');
  });
});

describe('importing every ChatGPT content type', () => {
  it('reports per conversation what was kept differently, with counts in words', async () => {
    const db = await openDb();
    const result = await importConversations(db, text);
    expect(result).toMatchObject({ conversations: 2, messages: 16, skipped: [] });
    expect(result.report.counts.map((c) => c.text)).toEqual([
      '2 branches kept as versions',
      '2 images not included in the export',
      '1 audio clip not included in the export',
      '2 answers\' reasoning kept as "Reasoning" blocks',
      '2 tool calls or results kept as tool messages',
      '3 browsing results kept as tool results',
      '3 citation marks replaced by their links or removed',
      '1 hidden context kept out of the chat',
      '1 error message kept',
      '1 part of an unknown type kept in metadata',
      '1 empty message left out',
    ]);
    expect(result.report.conversations.map((c) => [c.conversationId, c.title, c.notes.length])).toEqual([
      ['conv-types', 'What is in this photo and recording?', 14],
      ['conv-odd', 'Odd nodes', 4],
    ]);
    const saved = await db.getMessages('conv-types');
    expect(saved.messages.at(-1)?.id).toBe('a3');
    expect((await db.listVersions('a3')).versions.map((m) => m.id)).toEqual(['a3-old', 'a3']);
  });

  it('adds nothing when the same file is imported twice', async () => {
    const db = await openDb();
    await importConversations(db, text);
    const before = await exportConversations(db, { format: 'json', now: () => 0 });
    const again = await importConversations(db, text);
    expect(again.messages).toBe(16);
    expect(await exportConversations(db, { format: 'json', now: () => 0 })).toBe(before);
  });
});
