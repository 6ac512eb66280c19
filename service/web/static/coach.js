// The intake form's read-back: as a skill or a past job is typed, the server's reading of each
// line (an HTML fragment) is shown below the field. Without scripts the form shows it after a save.
document.querySelectorAll("textarea[data-reading]").forEach(function (field) {
  var out = document.getElementById(field.dataset.reading);
  var timer = null;
  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch("/people/reading?text=" + encodeURIComponent(field.value), { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.text() : ""; })
        .then(function (html) { out.innerHTML = html; })
        .catch(function () {});
    }, 200);
  });
});
