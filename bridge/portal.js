// The portal's live balance (bridge/portal.py, docs/portal.md#portal): a stream ticket from the
// portal (POST, with the session's CSRF token), then the SSE gateway's stream with it. On each
// balance event the page reads the figures again, written by the server as the page was. A
// ticket is good for one stream: when the stream ends (its login's access token expired, the
// gateway restarted) the page asks for a new ticket instead of letting EventSource retry.
(function () {
  "use strict";
  var balance = document.getElementById("balance");
  if (!balance || !window.EventSource) { return; }
  var stream = null;
  var retryIn = 1000;

  function refresh() {
    fetch(balance.dataset.figures, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .then(function (figures) {
        balance.textContent = figures.balance;
        document.getElementById("amount-due").textContent = figures.amount_due;
      })
      .catch(function () {});
  }

  function connect() {
    fetch(balance.dataset.ticket, { method: "POST", credentials: "same-origin",
                                    headers: { "X-CSRF-Token": balance.dataset.csrf } })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .then(function (ticket) {
        stream = new EventSource(ticket.url);
        stream.addEventListener("open", function () { retryIn = 1000; balance.dataset.live = "yes"; });
        stream.addEventListener("balance", refresh);
        stream.addEventListener("error", function () {
          stream.close();
          balance.dataset.live = "no";
          setTimeout(connect, retryIn);
          retryIn = Math.min(retryIn * 2, 60000);
        });
      })
      .catch(function (status) {
        if (status === 401) { window.location.reload(); return; }  // the session ended: the login page
        setTimeout(connect, retryIn);
        retryIn = Math.min(retryIn * 2, 60000);
      });
  }

  connect();
  window.addEventListener("pagehide", function () { if (stream) { stream.close(); } });
})();
