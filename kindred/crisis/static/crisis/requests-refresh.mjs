// Progressive enhancement for the on-call requests list: every 30 seconds, while the page is
// visible and nobody is typing in it, fetch the page again and replace the list. Without
// JavaScript the page has a Refresh link, and no <meta http-equiv="refresh"> (axe flags it).
const REGION = "crisis-requests";
const EVERY_MS = 30000;

async function refresh() {
  const region = document.getElementById(REGION);
  if (!region || document.hidden) return;
  const active = document.activeElement;
  if (active && region.contains(active) && active.tagName !== "BODY") return;
  try {
    const response = await fetch(window.location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(REGION);
    if (fresh) region.replaceChildren(...fresh.childNodes);
  } catch {
    // Offline for a moment: the next try, or the Refresh link, will do.
  }
}

if (document.getElementById(REGION)) {
  window.setInterval(refresh, EVERY_MS);
}
