/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // Elements matching `selector` in `root`, including `root` itself (htmx:load hands us the new element).
  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  // 免费获取: a button with data-countdown is disabled while it counts down, then comes back as 免费获取. The wait
  // is per mobile number, so editing the form's mobile ends it at once (the server still answers for that number).
  function startCountdowns(root) {
    within(root, "button[data-countdown]").forEach(function (button) {
      if (button.dataset.counting) return;
      button.dataset.counting = "1";
      button.disabled = true;
      var left = parseInt(button.dataset.countdown, 10);
      var mobile = button.form && button.form.elements.namedItem("mobile");
      function stop() {
        window.clearInterval(timer);
        if (mobile) mobile.removeEventListener("input", stop);
        button.disabled = false;
        button.textContent = "免费获取";
        delete button.dataset.countdown;
        delete button.dataset.counting;
      }
      var timer = window.setInterval(function () {
        left -= 1;
        if (left <= 0) stop();
        else button.textContent = left + "秒后重新获取";
      }, 1000);
      if (mobile) mobile.addEventListener("input", stop);
    });
  }

  // A deadline shown with data-deadline (ISO time) keeps a live "剩余 x 天 x 小时" text.
  function startDeadlines(root) {
    within(root, "[data-deadline]").forEach(function (el) {
      var end = Date.parse(el.dataset.deadline);
      if (isNaN(end)) return;
      function render() {
        var ms = end - Date.now();
        if (ms <= 0) { el.textContent = "已过期"; return false; }
        var minutes = Math.floor(ms / 60000);
        var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
        el.textContent = "剩余 " + (days ? days + " 天 " : "") + hours + " 小时 " + (minutes % 60) + " 分";
        return true;
      }
      if (render()) window.setInterval(render, 30000);
    });
  }

  // Modals: a fragment swapped into #modal-root that contains a <dialog> is shown as a modal.
  function openDialogs(root) {
    within(root, "dialog[data-modal]").forEach(function (dialog) {
      if (!dialog.open && dialog.showModal) dialog.showModal();
      dialog.addEventListener("close", function () { dialog.remove(); }, { once: true });
    });
  }

  function enhance(root) {
    startCountdowns(root);
    startDeadlines(root);
    openDialogs(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  document.addEventListener("closeModal", function () {
    document.querySelectorAll("dialog[data-modal]").forEach(function (d) { d.close(); });
  });
  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-close-modal]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) { event.preventDefault(); dialog.close(); }
    }
  });
  // A failed htmx request must not fail silently.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    window.alert(status === 404 ? "记录不存在或无权查看" : status === 429 ? "操作过于频繁，请稍后再试" : "操作失败，请刷新页面后重试");
  });
  document.addEventListener("htmx:sendError", function () { window.alert("网络连接失败，请检查网络后重试"); });
})();
