// Starts every GOV.UK Frontend component on the page (no inline script: CSP).
import { initAll } from "../govuk/js/govuk-frontend.min.js";

initAll();
