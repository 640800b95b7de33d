import fc from 'fast-check';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../types.js';
import { conversationHeader, escapeBlock, escapeInline, messageSection } from './markdown.js';

const parse = (markdown: string) => unified().use(remarkParse).parse(markdown);
type Root = ReturnType<typeof parse>;
type RootContent = Root['children'][number];
type Heading = Extract<RootContent, { type: 'heading' }>;
type Code = Extract<RootContent, { type: 'code' }>;

function text(node: RootContent | Root): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as RootContent[]).map(text).join('');
  return '';
}

const conversation = (title: string, count: number): Conversation => ({
  id: 'c1',
  projectId: 'default',
  title,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_100_000,
  archived: false,
  pinned: true,
  tags: ['work', '#urgent'],
  messageCount: count,
});

// Lines that change Markdown structure when they start a line.
const hostile = fc.constantFrom(
  '# heading',
  '## Assistant',
  '###### deep',
  '```',
  '````js',
  '~~~',
  '<!-- open comment',
  '<div>',
  '<script>alert(1)</script>',
  '---',
  '===',
  '[ref]: https://example.com',
  '    indented code',
  '> quote',
  '- item',
  '1. item',
  '   # indented heading',
  '|a|b|',
  '',
  'plain text with `code` and *emphasis*',
);
const contentArb = fc
  .array(fc.oneof(hostile, fc.string({ maxLength: 20 })), { maxLength: 12 })
  .map((lines) => lines.join('\n'));

const messageArb = (i: number) =>
  fc
    .record({
      role: fc.constantFrom('user', 'assistant', 'system', 'tool' as const),
      content: contentArb,
      withCall: fc.boolean(),
      args: fc.jsonValue(),
    })
    .map(({ role, content, withCall, args }): Message => {
      const m: Message = {
        id: `m${i}`,
        conversationId: 'c1',
        projectId: 'default',
        role,
        content,
        status: 'complete',
        parentId: null,
        createdAt: 1_700_000_000_000 + i,
        updatedAt: 1_700_000_000_000 + i,
      };
      if (role === 'assistant' && withCall)
        m.toolCalls = [{ id: `call${i}`, name: 'lookup', arguments: args }];
      if (role === 'tool') {
        m.toolName = 'lookup';
        m.toolResult = args;
      }
      return m;
    });

describe('Markdown export structure', () => {
  it('has one level-1 heading per conversation and one level-2 heading per message, whatever the text says', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc
          .integer({ min: 0, max: 6 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => messageArb(i)))),
        (title, messages) => {
          const doc =
            conversationHeader(conversation(title, messages.length)) +
            messages.map((m) => messageSection(m)).join('');
          const tree = parse(doc);
          const headings = tree.children.filter((n): n is Heading => n.type === 'heading');
          expect(headings.filter((h) => h.depth === 1).map(text)).toEqual([
            title.replace(/\s+/g, ' ').trim() || 'Untitled conversation',
          ]);
          expect(headings.filter((h) => h.depth === 2).map(text)).toEqual(
            messages.map((m) =>
              m.role === 'tool' ? 'Tool: lookup' : m.role[0]!.toUpperCase() + m.role.slice(1),
            ),
          );
          // Every heading is a top-level node: nothing a message says can swallow the next one.
          expect(tree.children.filter((n) => n.type === 'html' && /<!--|<script|<div/.test(text(n)))).toEqual(
            [],
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('puts tool calls and results in fenced JSON code blocks that parse back to the same values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (args, result) => {
        const call: Message = {
          parentId: null,
          id: 'a',
          conversationId: 'c1',
          projectId: 'default',
          role: 'assistant',
          content: 'Let me look that up.',
          status: 'complete',
          toolCalls: [{ id: 'call-1', name: 'search', arguments: args }],
          createdAt: 1,
          updatedAt: 1,
        };
        const answer: Message = {
          ...call,
          id: 'b',
          role: 'tool',
          content: '',
          toolCalls: undefined,
          toolResult: result,
        };
        delete answer.toolCalls;
        const tree = parse(messageSection(call) + messageSection(answer));
        const blocks = tree.children.filter((n): n is Code => n.type === 'code');
        expect(blocks.map((b) => b.lang)).toEqual(['json', 'json']);
        expect(JSON.parse(blocks[0]!.value)).toEqual(JSON.parse(JSON.stringify(args)));
        expect(JSON.parse(blocks[1]!.value)).toEqual(JSON.parse(JSON.stringify(result)));
      }),
      { numRuns: 200 },
    );
  });

  it("shows a cut-off tool call's arguments as the text that arrived, not as a quoted JSON string", () => {
    const m: Message = {
      parentId: null,
      id: 'x',
      conversationId: 'c1',
      projectId: 'default',
      role: 'assistant',
      content: 'Let me work that out.',
      status: 'interrupted',
      toolCalls: [{ id: 'call-1', name: 'calculator', arguments: '{"expression": "6 *' }],
      createdAt: Date.UTC(2025, 0, 31, 12, 0, 0),
      updatedAt: Date.UTC(2025, 0, 31, 12, 0, 0),
    };
    const section = messageSection(m);
    expect(section).toContain('```text\n{"expression": "6 *\n```\n\n_(arguments cut off)_');
    // A complete call whose arguments are a JSON string stays JSON.
    const complete = messageSection({
      ...m,
      status: 'complete',
      toolCalls: [{ ...m.toolCalls![0]!, arguments: 'a' }],
    });
    expect(complete).toContain('```json\n"a"\n```');
  });

  it('lists attachments and shows model, status and time under the role heading', () => {
    const m: Message = {
      parentId: null,
      id: 'x',
      conversationId: 'c1',
      projectId: 'default',
      role: 'assistant',
      content: 'See the chart.',
      status: 'interrupted',
      metadata: {
        model: 'gpt-4o',
        attachments: [
          { name: 'chart.png', mediaType: 'image/png', size: 2048, url: 'https://example.com/c.png' },
        ],
      },
      createdAt: Date.UTC(2025, 0, 31, 12, 0, 0),
      updatedAt: Date.UTC(2025, 0, 31, 12, 0, 0),
    };
    const section = messageSection(m);
    expect(section).toContain('_2025-01-31 12:00:00 UTC · gpt-4o · interrupted_');
    expect(section).toContain('- chart.png (image/png, 2.0 KB) <https://example.com/c.png>');
    const tree = parse(section);
    expect(tree.children.map((n) => n.type)).toEqual([
      'heading',
      'paragraph',
      'paragraph',
      'paragraph',
      'list',
    ]);
  });

  it('closes a code fence the message left open', () => {
    expect(escapeBlock('```python\nprint(1)')).toBe('```python\nprint(1)\n```');
    expect(escapeBlock('~~~~\nx\n~~~')).toBe('~~~~\nx\n~~~\n~~~~');
  });

  it('leaves headings inside code fences alone', () => {
    expect(escapeBlock('```\n# comment\n```\n# title')).toBe('```\n# comment\n```\n\\# title');
  });

  it('escapes inline text so a title cannot add emphasis, links or HTML', () => {
    const tree = parse(`# ${escapeInline('*bold* [link](x) <b>hi</b> `code`')}`);
    const heading = tree.children[0] as Heading;
    expect(heading.children.map((c) => c.type)).toEqual(['text']);
    expect(text(heading)).toBe('*bold* [link](x) <b>hi</b> `code`');
  });

  it('notes where other versions exist: "version 2 of 3" on the message, the branches and the fork in the header', () => {
    const m: Message = {
      parentId: 'q',
      id: 'a2',
      conversationId: 'c1',
      projectId: 'default',
      role: 'assistant',
      content: 'Second try.',
      status: 'complete',
      createdAt: Date.UTC(2025, 0, 31, 12, 0, 0),
      updatedAt: Date.UTC(2025, 0, 31, 12, 0, 0),
    };
    expect(messageSection(m, { index: 2, count: 3 })).toContain('_2025-01-31 12:00:00 UTC · version 2 of 3_');
    expect(messageSection(m)).not.toContain('version');
    const forked = { ...conversation('Fork', 4), forkedFrom: { conversationId: 'c0', messageId: 'm_7' } };
    const header = conversationHeader(forked, { branches: 3 });
    expect(header).toContain(
      '- Branches: 3 (edited or regenerated messages); this export shows the active one, the JSON export holds every version',
    );
    expect(header).toContain('- Forked from: conversation c0, message m\\_7');
    expect(conversationHeader(conversation('One branch', 2))).not.toMatch(/Branches|Forked/);
  });
});
