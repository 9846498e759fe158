// The quick form to log or change a case: type-ahead pickers, the triage assistant, and keeping
// "trust" and "independent provider" from both being filled. Everything here is an
// enhancement: without JavaScript the form works and the server suggests the category on submit.
import { enhanceSelect } from "./combobox.js";

const SUGGEST_DELAY_MS = 500;
const MIN_LENGTH = 8;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function wireProviders(form, trustPicker) {
  const independent = form.querySelector("#independent_provider");
  if (!independent || !trustPicker) return;
  // Naming an independent provider replaces the trust, and choosing a trust replaces it back.
  independent.addEventListener("input", () => {
    if (independent.value.trim() && trustPicker.select.value) trustPicker.clear();
  });
  trustPicker.select.addEventListener("change", () => {
    if (trustPicker.select.value) independent.value = "";
  });
}

function wireTriage(form) {
  const url = form.dataset.suggestUrl;
  const description = form.querySelector("#description");
  const box = document.getElementById("category-suggestion");
  const csrf = form.querySelector("input[name='csrf_token']");
  if (!url || !description || !box) return;

  let timer;
  let controller;
  let lastText = null;
  let suggestion = null;

  const chosenCategory = () => form.querySelector("input[name='category_slug']:checked")?.value || "";
  const radioFor = (slug) => [...form.querySelectorAll("input[name='category_slug']")].find((r) => r.value === slug);

  function render() {
    box.replaceChildren();
    if (!suggestion) return;
    if (suggestion.identifier_warning) {
      box.append(el("p", "tracker-suggestion__warning", suggestion.identifier_warning));
    }
    if (!suggestion.slug) return;
    const line = el("p");
    line.append(el("strong", "", `Suggested: ${suggestion.title}.`), ` ${suggestion.explanation}`);
    box.append(line);
    if (chosenCategory() === suggestion.slug) {
      box.append(el("p", "nhsuk-u-secondary-text-colour", "This category is selected. You can choose a different one below."));
      return;
    }
    const accept = el("button", "nhsuk-button nhsuk-button--secondary nhsuk-button--small", "Use this category");
    accept.type = "button";
    accept.addEventListener("click", () => {
      const radio = radioFor(suggestion.slug);
      if (!radio) return;
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      radio.focus();
    });
    box.append(accept);
  }

  async function check() {
    const text = description.value.trim();
    if (text === lastText) return;
    lastText = text;
    if (text.length < MIN_LENGTH) {
      suggestion = null;
      render();
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
        body: JSON.stringify({ description: text }),
        signal: controller.signal,
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("application/json")) return; // e.g. signed out: submit still works
      suggestion = await response.json();
      render();
    } catch (error) {
      if (error.name !== "AbortError") suggestion = null;
    }
  }

  description.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, SUGGEST_DELAY_MS);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "category_slug") render();
  });
  if (description.value.trim()) check();
}

const form = document.querySelector("form.tracker-report-form");
if (form) {
  const trustSelect = form.querySelector("select[name='trust_code']");
  const trustPicker = enhanceSelect(trustSelect);
  enhanceSelect(form.querySelector("select[name='specialty_code']"));
  wireProviders(form, trustPicker);
  wireTriage(form);
}
