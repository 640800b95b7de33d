// The floor of the cold-start figure (M2): no framework and no app code,
// only opening Chatkeep's database, reading the newest 50 messages of the
// conversation named in the hash with one request, and painting them.
// Whatever the app takes beyond this is ours to cut.
(() => {
  const conversationId = decodeURIComponent(location.hash.slice(1));
  const request = indexedDB.open('chatkeep');
  request.onerror = () => console.error(`floor: ${request.error}`);
  request.onsuccess = () => {
    const index = request.result
      .transaction('messages', 'readonly')
      .objectStore('messages')
      .index('byConversationCreated');
    const query = IDBKeyRange.bound([conversationId], [conversationId, Number.POSITIVE_INFINITY]);
    const read = index.getAllRecords({ query, count: 50, direction: 'prev' });
    read.onerror = () => console.error(`floor: ${read.error}`);
    read.onsuccess = () => {
      const list = document.getElementById('messages');
      for (const record of read.result.reverse()) {
        const row = document.createElement('li');
        row.className = 'floor-row';
        row.textContent = record.value.content;
        list.append(row);
      }
      // Painted: the frame with the rows has been produced.
      requestAnimationFrame(() => setTimeout(() => performance.mark('floor:first-message')));
    };
  };
})();
