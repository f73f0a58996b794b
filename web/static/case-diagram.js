// Draw the case's main diagram with bpmn-js and mark finished and active elements.
(function () {
  const holder = document.getElementById('diagram');
  const data = JSON.parse(document.getElementById('case-diagram-data').textContent);
  window.caseDiagram = { rendered: false, marked: { finished: [], active: [] }, error: null };
  if (!data.xml) {
    holder.dataset.state = 'missing';
    holder.textContent = holder.dataset.missing;
    return;
  }
  const viewer = new BpmnJS({ container: holder });
  viewer.importXML(data.xml).then(function () {
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    const mark = function (ids, css, into) {
      ids.forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, css);
          into.push(id);
        }
      });
    };
    mark(data.finished, 'lf-done', window.caseDiagram.marked.finished);
    mark(data.active, 'lf-active', window.caseDiagram.marked.active);
    canvas.zoom('fit-viewport');
    window.caseDiagram.rendered = true;
    holder.dataset.state = 'rendered';
  }).catch(function (error) {
    window.caseDiagram.error = String(error);
    holder.dataset.state = 'failed';
    holder.textContent = holder.dataset.failed + ' ' + error;
  });
})();
