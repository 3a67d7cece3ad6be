// The program report's "Print" button; the print stylesheet in dashboards.css does the rest.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
