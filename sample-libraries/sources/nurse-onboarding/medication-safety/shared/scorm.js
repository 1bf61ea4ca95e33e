// The package's runtime glue: finds the LMS's SCORM 2004 API and reports each page.
// A lesson is completed and passed when it has been opened. An assessment page (its
// <body> carries data-answers="b,c,...") turns each question's options into radio
// buttons and, on Submit, reports the scaled score; sequencing decides what it unlocks.
(function () {
  function findApi(win) {
    for (var i = 0; win && i < 10; i++) {
      if (win.API_1484_11) return win.API_1484_11;
      if (win.parent === win) break;
      win = win.parent;
    }
    return window.opener && window.opener.API_1484_11 ? window.opener.API_1484_11 : null;
  }
  var api = findApi(window);
  function set(name, value) {
    if (api) api.SetValue(name, String(value));
  }
  function finish() {
    if (!api) return;
    api.Commit('');
    api.Terminate('');
    api = null;
  }
  window.addEventListener('load', function () {
    if (api) api.Initialize('');
    var key = document.body.getAttribute('data-answers');
    if (!key) {
      set('cmi.completion_status', 'completed');
      set('cmi.success_status', 'passed');
      return;
    }
    var answers = key.split(',');
    var lists = document.querySelectorAll('ul');
    for (var q = 0; q < lists.length; q++) {
      var items = lists[q].querySelectorAll('li');
      for (var o = 0; o < items.length; o++) {
        var input = document.createElement('input');
        input.type = 'radio';
        input.name = 'q' + q;
        input.value = String.fromCharCode(97 + o);
        items[o].insertBefore(input, items[o].firstChild);
      }
    }
    var submit = document.createElement('button');
    submit.textContent = 'Submit answers';
    submit.addEventListener('click', function () {
      var right = 0;
      for (var q = 0; q < answers.length; q++) {
        var chosen = document.querySelector('input[name=q' + q + ']:checked');
        if (chosen && chosen.value === answers[q]) right++;
      }
      var scaled = right / answers.length;
      set('cmi.score.scaled', scaled.toFixed(2));
      set('cmi.score.raw', right);
      set('cmi.score.min', 0);
      set('cmi.score.max', answers.length);
      set('cmi.completion_status', 'completed');
      submit.disabled = true;
      submit.textContent = right + ' of ' + answers.length + ' correct';
      finish();
    });
    document.body.appendChild(submit);
  });
  window.addEventListener('beforeunload', finish);
})();
