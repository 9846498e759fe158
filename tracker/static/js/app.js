// Start the NHS.UK frontend components. Pages work without JavaScript; this only enhances them.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();
