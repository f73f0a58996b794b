/* global BpmnJS */
// Minimal bpmn-js NavigatedViewer harness, used by
// tests/diagrams/test_diagrams_open_in_bpmn_js.py and for looking at diagrams by hand.
//
// window.importResult is null while nothing has been imported (or an import is
// running) and afterwards:
//   { ok: boolean,            // true when importXML did not throw
//     warnings: string[],     // bpmn-js import warnings (unknown elements, unresolved refs, ...)
//     error: string | null,   // the import error message when ok is false
//     elementIds: string[] }  // ids of all rendered BPMN elements (shapes, connections, labels excluded)
(function () {
  'use strict';

  var statusEl = document.getElementById('status');

  function setStatus(kind, text) {
    statusEl.className = kind;
    statusEl.textContent = text;
  }

  function messageOf(x) {
    if (!x) {
      return String(x);
    }
    return String(x.message || x).split('\n')[0];
  }

  window.importResult = null;

  if (typeof BpmnJS === 'undefined') {
    window.importResult = {
      ok: false,
      warnings: [],
      error: 'bpmn-js failed to load (is node_modules installed and served?)',
      elementIds: []
    };
    window.loadDiagram = function () {
      return Promise.resolve(window.importResult);
    };
    setStatus('error', window.importResult.error);
    return;
  }

  var viewer = new BpmnJS({ container: '#canvas' });
  window.bpmnViewer = viewer;

  window.loadDiagram = async function (xml) {
    window.importResult = null;
    var result;
    try {
      var imported = await viewer.importXML(xml);
      var registry = viewer.get('elementRegistry');
      result = {
        ok: true,
        warnings: (imported.warnings || []).map(messageOf),
        error: null,
        elementIds: registry
          .filter(function (el) { return el.type !== 'label'; })
          .map(function (el) { return el.id; })
      };
      try {
        viewer.get('canvas').zoom('fit-viewport');
      } catch (e) {
        // cosmetic only
      }
    } catch (err) {
      result = {
        ok: false,
        warnings: (err && err.warnings ? err.warnings : []).map(messageOf),
        error: messageOf(err),
        elementIds: []
      };
    }
    window.importResult = result;
    if (!result.ok) {
      setStatus('error', 'Import failed: ' + result.error);
    } else if (result.warnings.length) {
      setStatus('warn', 'Imported with ' + result.warnings.length + ' warning(s):\n' +
        result.warnings.join('\n'));
    } else {
      setStatus('ok', 'Imported OK (' + result.elementIds.length + ' elements)');
    }
    return result;
  };

  var diagramUrl = new URLSearchParams(window.location.search).get('diagram');
  if (diagramUrl) {
    setStatus('', 'Loading ' + diagramUrl + ' ...');
    fetch(diagramUrl)
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status + ' fetching ' + diagramUrl);
        }
        return response.text();
      })
      .then(window.loadDiagram)
      .catch(function (err) {
        window.importResult = { ok: false, warnings: [], error: messageOf(err), elementIds: [] };
        setStatus('error', window.importResult.error);
      });
  }
})();
