// On a phone, the long parts of a page start folded: a <details data-phone-fold open> is closed when the
// screen is narrow, so the story comes first; a wide screen keeps it open. Without JavaScript it stays open.
(() => {
  if (!window.matchMedia("(max-width: 640px)").matches) return;
  for (const fold of document.querySelectorAll("details[data-phone-fold][open]")) fold.open = false;
})();
