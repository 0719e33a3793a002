// A barcode scanner types the digits, then Enter. In a field marked data-scanner, Enter moves
// to the next field instead of submitting the form half filled.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || !field.matches || !field.matches("input[data-scanner]")) return;
  event.preventDefault();
  var fields = Array.prototype.filter.call(field.form.elements, function (el) {
    return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0;
  });
  var next = fields[fields.indexOf(field) + 1];
  if (next) next.focus();
});
