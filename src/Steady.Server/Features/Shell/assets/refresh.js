// Keeps a server-rendered region current: every few seconds, fetch this same page and swap in the
// region's new HTML. Pauses while the tab is hidden. Without JavaScript the page still works.
(() => {
  const script = document.currentScript;
  const target = script.dataset.target, stamp = script.dataset.stamp, every = Number(script.dataset.every || 5000);
  async function refresh() {
    if (document.hidden) return;
    // Never pull the rug: not while the person has ticked something, opened a fold or is typing in the region.
    const region = document.getElementById(target);
    if (region && (region.querySelector("input:checked, details[open]") || region.contains(document.activeElement))) return;
    try {
      const response = await fetch(location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" });
      if (!response.ok || response.redirected) return;
      const next = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const id of [target, stamp]) {
        const fresh = next.getElementById(id), current = document.getElementById(id);
        if (fresh && current && fresh.innerHTML !== current.innerHTML) current.innerHTML = fresh.innerHTML;
      }
    } catch { /* offline for a moment: try again next time */ }
  }
  setInterval(refresh, every);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
})();
