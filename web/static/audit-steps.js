// Step through a case's recorded history: mark finished, active and taken paths at each step.
(function () {
  const holder = document.getElementById('diagram');
  const data = JSON.parse(document.getElementById('audit-player-data').textContent);
  const detail = document.getElementById('step-detail');
  // the words come translated from the page (data-words), in the reader's language
  const words = JSON.parse(detail.dataset.words || '{}');
  const player = { rendered: false, step: 0, marked: { finished: [], active: [], taken: [] }, error: null };
  window.auditPlayer = player;
  let canvas = null;
  let registry = null;

  function clearMarks() {
    ['finished', 'active', 'taken'].forEach(function (kind) {
      const css = { finished: 'lf-done', active: 'lf-active', taken: 'lf-taken' }[kind];
      player.marked[kind].forEach(function (id) { canvas.removeMarker(id, css); });
      player.marked[kind] = [];
    });
  }

  function mark(ids, css, kind) {
    ids.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, css);
        player.marked[kind].push(id);
      }
    });
  }

  function takenFlows(finished) {
    const done = new Set(finished);
    return registry.filter(function (element) {
      return element.type === 'bpmn:SequenceFlow' && element.source && element.target &&
        done.has(element.source.id) && done.has(element.target.id);
    }).map(function (element) { return element.id; });
  }

  function describe(step) {
    detail.textContent = '';
    const w = words;
    const lines = [
      w.step + ' ' + step.number + ' (' + w.event + ' ' + step.seq + ') ' + w.at + ' ' + step.at + ' ' + w.by + ' ' + step.actor,
      step.kind + (step.element_id ? ' ' + step.element_id : ''),
      w.completed + ': ' + (step.completed.join(', ') || '-'),
      w.waits + ': ' + (step.active.join(', ') || '-'),
    ];
    lines.forEach(function (text) {
      const p = document.createElement('p');
      p.textContent = text;
      detail.appendChild(p);
    });
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(step.data, null, 2);
    detail.appendChild(pre);
  }

  function show(number) {
    if (!data.steps.length) { return; }
    number = Math.max(1, Math.min(number, data.steps.length));
    const step = data.steps[number - 1];
    player.step = number;
    document.getElementById('step-number').textContent = String(number);
    describe(step);
    if (!canvas) { return; }
    clearMarks();
    mark(step.finished.filter(function (id) { return step.active.indexOf(id) < 0; }), 'lf-done', 'finished');
    mark(step.active, 'lf-active', 'active');
    mark(takenFlows(step.finished), 'lf-taken', 'taken');
  }

  document.getElementById('step-first').addEventListener('click', function () { show(1); });
  document.getElementById('step-back').addEventListener('click', function () { show(player.step - 1); });
  document.getElementById('step-next').addEventListener('click', function () { show(player.step + 1); });
  document.getElementById('step-last').addEventListener('click', function () { show(data.steps.length); });
  player.show = show;

  if (!data.xml) {
    holder.dataset.state = 'missing';
    holder.textContent = holder.dataset.missing;
    show(1);
    return;
  }
  const viewer = new BpmnJS({ container: holder });
  viewer.importXML(data.xml).then(function () {
    canvas = viewer.get('canvas');
    registry = viewer.get('elementRegistry');
    canvas.zoom('fit-viewport');
    player.rendered = true;
    holder.dataset.state = 'rendered';
    show(1);
  }).catch(function (error) {
    player.error = String(error);
    holder.dataset.state = 'failed';
    holder.textContent = holder.dataset.failed + ' ' + error;
    show(1);
  });
})();
