// The web page's entry: the page (main.js) inside <body>, over a WebSocket to the server that served it.
import { mount } from "./main.js";
import { esc } from "./panels.js";
import { SocketTransport } from "./transport.js";

mount(document.body, new SocketTransport()).then((app) => {
  window.relulab = app; // for the browser tests and the curious
  app.connect();
  // an edit of the address bar's hash opens that link (the page's own replaceState fires no hashchange)
  addEventListener("hashchange", () => { if (location.hash.length > 1) app.openLink(location.hash); });
}).catch((err) => { document.body.insertAdjacentHTML("afterbegin", `<div class="toast">${esc(err)}</div>`); });
