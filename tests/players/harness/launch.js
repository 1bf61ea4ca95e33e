// Loads a launch file into the content frame, as an LMS launches a SCO: the page runs in
// a child frame of the window that holds the run-time's API. Resolves to the page's title
// ("" when the file is missing or empty).
'use strict';

window.pfLaunch = function launch(url) {
  let frame = document.getElementById('sco');
  if (!frame) {
    frame = document.createElement('iframe');
    frame.id = 'sco';
    document.body.appendChild(frame);
  }
  return new Promise((resolve) => {
    frame.onload = () => resolve(frame.contentDocument?.title ?? '');
    frame.src = url;
  });
};
