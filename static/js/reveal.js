// Conditional reveal for GOV.UK radios: the boxes that go with a choice show only when it
// is chosen. Without JavaScript every box shows (the hidden class only hides when
// GOV.UK Frontend is supported), and the server still checks the box the choice needs.
for (const radio of document.querySelectorAll("input[type=radio][data-reveal]")) {
  const group = document.querySelectorAll(`input[type=radio][name="${radio.name}"]`);
  const sync = () => {
    for (const other of group) {
      const target = other.dataset.reveal && document.getElementById(other.dataset.reveal);
      if (target) target.classList.toggle("govuk-radios__conditional--hidden", !other.checked);
    }
  };
  radio.addEventListener("change", sync);
  window.addEventListener("pageshow", sync);
  sync();
}
