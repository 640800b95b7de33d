// Measures how much memory importing a large ChatGPT export zip needs.
//
//   pnpm --filter @chatkeep/storage build
//   node scripts/zip-memory.mjs generate /tmp/export.zip 200   # about 200 MB of conversations-*.json
//   node --expose-gc scripts/zip-memory.mjs read /tmp/export.zip     # unzip + parse + convert, nothing saved
//   node --expose-gc scripts/zip-memory.mjs import /tmp/export.zip   # the whole import into IndexedDB (fake-indexeddb)
//
// The zip is opened as a file-backed Blob, as a browser File is. Peak
// resident memory is sampled every 10 ms. fake-indexeddb keeps the database
// itself in memory (a browser keeps it on disk), so `import` also reports
// the memory still held after the import, which is the database.
import { createWriteStream, openAsBlob, statSync } from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';

const [mode, path, sizeArg] = process.argv.slice(2);
const MB = 1 << 20;

function words(n, seed) {
  const vocabulary =
    'the of and a to in is you that it he was for on are as with his they I at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(
      ' ',
    );
  let x = seed;
  const out = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(vocabulary[x % vocabulary.length]);
  }
  return out.join(' ');
}

/** A ChatGPT conversation with `turns` question-answer pairs in `mapping`. */
function conversation(index, turns) {
  const id = `conv-${index}`;
  const mapping = {
    [`${id}-root`]: { id: `${id}-root`, message: null, parent: null, children: [`${id}-0`] },
  };
  let parent = `${id}-root`;
  const start = 1_700_000_000 + index * 3600;
  for (let i = 0; i < turns * 2; i++) {
    const nodeId = `${id}-${i}`;
    mapping[parent].children = [nodeId];
    mapping[nodeId] = {
      id: nodeId,
      parent,
      children: [],
      message: {
        id: nodeId,
        author: { role: i % 2 ? 'assistant' : 'user', name: null, metadata: {} },
        create_time: start + i * 10,
        update_time: null,
        content: { content_type: 'text', parts: [words(i % 2 ? 160 : 30, index * 1000 + i)] },
        status: 'finished_successfully',
        end_turn: true,
        weight: 1,
        metadata: i % 2 ? { model_slug: 'gpt-4o', finish_details: { type: 'stop' } } : {},
        recipient: 'all',
      },
    };
    parent = nodeId;
  }
  return {
    title: `Conversation ${index}`,
    create_time: start,
    update_time: start + turns * 20,
    mapping,
    current_node: parent,
    conversation_id: id,
    id,
  };
}

async function generate(file, megabytes) {
  const out = createWriteStream(file);
  const zip = new Zip((error, chunk, final) => {
    if (error) throw error;
    out.write(chunk);
    if (final) out.end();
  });
  const partBytes = 50 * MB;
  let written = 0;
  let index = 0;
  for (let part = 0; written < megabytes * MB; part++) {
    const entry = new ZipDeflate(`conversations-${String(part).padStart(3, '0')}.json`, { level: 6 });
    zip.add(entry);
    let partWritten = 0;
    entry.push(new TextEncoder().encode('['));
    while (partWritten < partBytes && written < megabytes * MB) {
      const text = (partWritten ? ',' : '') + JSON.stringify(conversation(index++, 20));
      const bytes = new TextEncoder().encode(text);
      entry.push(bytes);
      partWritten += bytes.length;
      written += bytes.length;
      // Let the file stream drain.
      if (index % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    entry.push(new TextEncoder().encode(']'), true);
  }
  zip.end();
  await new Promise((r) => out.on('close', r));
  console.log(
    `${file}: ${index} conversations, ${(written / MB).toFixed(0)} MB of JSON, zip ${(statSync(file).size / MB).toFixed(0)} MB`,
  );
}

/** JavaScript heap in use plus memory outside it (buffers), and resident memory. */
function usage() {
  const m = process.memoryUsage();
  return { js: m.heapUsed + m.external, rss: m.rss };
}

function sampler() {
  const peak = usage();
  const sample = () => {
    const now = usage();
    peak.js = Math.max(peak.js, now.js);
    peak.rss = Math.max(peak.rss, now.rss);
  };
  const timer = setInterval(sample, 10);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

async function measure(file, saving) {
  const blob = await openAsBlob(file);
  const jsonBytes = await uncompressedSize(blob);
  globalThis.gc?.();
  const base = usage();
  const stop = sampler();
  const started = performance.now();
  let conversations = 0;
  let messages = 0;
  if (saving) {
    await import('fake-indexeddb/auto');
    const { openChatStorage, importConversations } = await import('../dist/index.js');
    const adapter = await openChatStorage({ dbName: 'zip-memory' });
    const result = await importConversations(adapter, blob);
    conversations = result.conversations;
    messages = result.messages;
  } else {
    const { importFile } = await import('../dist/import/file-input.js');
    const { readChatGptExport } = await import('../dist/import/chatgpt.js');
    await importFile(blob, async (group) => {
      const plan = readChatGptExport(group, { now: Date.now() });
      conversations += plan.items.length;
      for (const item of plan.items) messages += item.messages.length;
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const peak = stop();
  globalThis.gc?.();
  const after = usage();
  const mb = (n) => `${(n / MB).toFixed(0)} MB`;
  console.log(
    [
      `${saving ? 'import' : 'read'}: ${conversations} conversations, ${messages} messages in ${seconds.toFixed(1)} s`,
      `zip ${mb(blob.size)}, JSON inside ${mb(jsonBytes)}`,
      `heap + buffers: before ${mb(base.js)}, peak ${mb(peak.js)} (+${mb(peak.js - base.js)}, ${((peak.js - base.js) / jsonBytes).toFixed(2)}x the JSON), after collection +${mb(after.js - base.js)}`,
      `resident: before ${mb(base.rss)}, peak ${mb(peak.rss)} (+${mb(peak.rss - base.rss)}, ${((peak.rss - base.rss) / jsonBytes).toFixed(2)}x the JSON)`,
    ].join('\n'),
  );
}

/** The uncompressed size of the zip's entries, from the central directory at its end. */
async function uncompressedSize(blob) {
  const tail = new DataView(await blob.slice(Math.max(0, blob.size - 65_557)).arrayBuffer());
  let end = tail.byteLength - 22;
  while (end >= 0 && tail.getUint32(end, true) !== 0x06054b50) end--;
  const count = tail.getUint16(end + 10, true);
  const dirOffset = tail.getUint32(end + 16, true);
  const dir = new DataView(await blob.slice(dirOffset, blob.size).arrayBuffer());
  let total = 0;
  for (let i = 0, at = 0; i < count; i++) {
    total += dir.getUint32(at + 24, true);
    at += 46 + dir.getUint16(at + 28, true) + dir.getUint16(at + 30, true) + dir.getUint16(at + 32, true);
  }
  return total;
}

if (mode === 'generate') await generate(path, Number(sizeArg ?? 200));
else if (mode === 'read' || mode === 'import') await measure(path, mode === 'import');
else console.log('usage: zip-memory.mjs generate <file> [MB] | read <file> | import <file>');
