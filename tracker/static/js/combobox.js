// A type-ahead picker made from a plain <select>: the ARIA 1.2 combobox pattern (an editable
// text box with a listbox popup, list autocomplete, keyboard operable).
//
// The <select> stays in the page, hidden, and is what the form submits: without JavaScript the
// user gets the select itself. <optgroup>s are kept as groups while nothing is typed; typing
// filters every option by words in its text or by its value (ODS or specialty code).
//
//   import { enhanceSelect, enhanceAll } from "./combobox.js";
//   enhanceAll(document);                 // every <select data-module="tracker-combobox">
//   const picker = enhanceSelect(select); // { input, select, clear(), choose(value) }

let instances = 0;

function normalise(text) {
  return text.toLowerCase().replace(/['’`]/g, "").replace(/&/g, " and ").replace(/[^a-z0-9]+/g, " ").trim();
}

function readOptions(select) {
  const groups = [];
  const loose = [];
  let placeholder = "";
  for (const child of select.children) {
    if (child.tagName === "OPTGROUP") {
      groups.push({ label: child.label, options: [...child.children].filter((o) => o.value).map(optionData) });
    } else if (child.tagName === "OPTION") {
      if (child.value) loose.push(optionData(child));
      else placeholder = child.textContent.trim();
    }
  }
  if (loose.length) groups.unshift({ label: "", options: loose });
  return { groups, placeholder };
}

function optionData(option) {
  const text = option.textContent.trim();
  return { value: option.value, text, key: normalise(text), code: option.value.toLowerCase() };
}

// Lower is better: the code or the start of the name, then the start of a word, then anywhere.
function rank(option, query, words) {
  if (option.code === query) return 0;
  if (!words.every((w) => option.key.includes(w) || option.code.startsWith(w))) return -1;
  if (option.key.startsWith(query)) return 1;
  if (words.every((w) => ` ${option.key}`.includes(` ${w}`))) return 2;
  return 3;
}

export function enhanceSelect(select, { noMatchesText = "No matches. Check the spelling, or type fewer letters." } = {}) {
  if (!select || select.dataset.enhanced === "true") return null;
  select.dataset.enhanced = "true";
  const n = ++instances;
  const id = select.id;
  const { groups, placeholder } = readOptions(select);
  const label = document.querySelector(`label[for="${id}"]`);

  const wrapper = document.createElement("div");
  wrapper.className = "tracker-combobox";
  const input = document.createElement("input");
  const listbox = document.createElement("ul");
  const status = document.createElement("div");

  // The text box takes over the select's id, so the label and error-summary links reach it.
  select.id = `${id}-select`;
  select.hidden = true;
  select.tabIndex = -1;
  input.id = id;
  input.type = "text";
  input.className = "nhsuk-input tracker-combobox__input";
  if (select.classList.contains("nhsuk-select--error")) input.classList.add("nhsuk-input--error");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", `${id}-listbox`);
  input.autocomplete = "off";
  input.spellcheck = false;
  if (placeholder) input.placeholder = placeholder;
  const describedBy = select.getAttribute("aria-describedby");
  if (describedBy) input.setAttribute("aria-describedby", describedBy);
  select.removeAttribute("aria-describedby");

  listbox.id = `${id}-listbox`;
  listbox.className = "tracker-combobox__listbox";
  listbox.setAttribute("role", "listbox");
  if (label) listbox.setAttribute("aria-label", label.textContent.trim());
  listbox.hidden = true;

  status.className = "tracker-combobox__status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  select.before(wrapper);
  wrapper.append(input, listbox, status, select);

  let shown = []; // option data, in the order shown
  let active = -1;
  let statusTimer;

  const selectedText = () => {
    const option = select.selectedOptions[0];
    return option && option.value ? option.textContent.trim() : "";
  };
  input.value = selectedText();

  function isOpen() {
    return !listbox.hidden;
  }

  function matches(query) {
    const seen = new Set();
    const words = query.split(" ");
    const found = [];
    for (const group of groups) {
      for (const option of group.options) {
        if (seen.has(option.value)) continue;
        const score = rank(option, query, words);
        if (score >= 0) {
          seen.add(option.value);
          found.push([score, option]);
        }
      }
    }
    return found.sort((a, b) => a[0] - b[0] || a[1].key.localeCompare(b[1].key)).map(([, option]) => option);
  }

  function optionElement(option, index) {
    const li = document.createElement("li");
    li.id = `${id}-option-${index}`;
    li.className = "tracker-combobox__option";
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", String(option.value === select.value));
    li.dataset.index = String(index);
    li.textContent = option.text;
    return li;
  }

  function render(showGroups) {
    const query = normalise(input.value);
    listbox.replaceChildren();
    shown = [];
    if (showGroups || !query) {
      groups.forEach((group, g) => {
        const container = document.createElement("li");
        container.setAttribute("role", "presentation");
        const list = document.createElement("ul");
        list.className = "tracker-combobox__group";
        list.setAttribute("role", "group");
        if (group.label) {
          const heading = document.createElement("span");
          heading.className = "tracker-combobox__group-label";
          heading.id = `${id}-group-${n}-${g}`;
          heading.textContent = group.label;
          list.setAttribute("aria-labelledby", heading.id);
          container.append(heading);
        }
        for (const option of group.options) {
          list.append(optionElement(option, shown.length));
          shown.push(option);
        }
        container.append(list);
        listbox.append(container);
      });
    } else {
      for (const option of matches(query)) {
        listbox.append(optionElement(option, shown.length));
        shown.push(option);
      }
      if (!shown.length) {
        const li = document.createElement("li");
        li.className = "tracker-combobox__option tracker-combobox__option--empty";
        li.setAttribute("role", "presentation");
        li.textContent = noMatchesText;
        listbox.append(li);
      }
    }
    announce(shown.length ? `${shown.length} ${shown.length === 1 ? "result" : "results"} available. Use up and down arrows to move through them, and enter to choose.` : noMatchesText);
  }

  function announce(message) {
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { status.textContent = message; }, 400);
  }

  function open(showGroups) {
    render(showGroups);
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    const items = listbox.querySelectorAll("[role='option']");
    if (!items.length) return;
    active = Math.max(0, Math.min(index, items.length - 1));
    items.forEach((item, i) => item.classList.toggle("tracker-combobox__option--active", i === active));
    const current = items[active];
    input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  function setValue(value) {
    if (select.value === value) return;
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function choose(option) {
    setValue(option ? option.value : "");
    input.value = option ? option.text : "";
    close();
  }

  // Leaving the box: keep an exact or single match, forget anything that matches nothing,
  // so the form never submits a choice the user cannot see.
  function settle() {
    const query = normalise(input.value);
    if (!query) {
      choose(null);
      return;
    }
    if (query === normalise(selectedText())) {
      input.value = selectedText();
      close();
      return;
    }
    const found = matches(query);
    const exact = found.find((o) => o.key === query || o.code === query);
    if (exact || found.length === 1) choose(exact || found[0]);
    else {
      setValue("");
      close();
    }
  }

  input.addEventListener("input", () => {
    open(false);
    if (normalise(input.value)) setActive(0);
  });

  input.addEventListener("click", () => {
    if (!isOpen()) open(normalise(input.value) === normalise(selectedText()));
  });

  input.addEventListener("keydown", (event) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!isOpen()) {
          open(normalise(input.value) === normalise(selectedText()));
          const current = shown.findIndex((o) => o.value === select.value);
          setActive(current >= 0 ? current : 0);
        } else if (!event.altKey) setActive(active + 1);
        break;
      case "ArrowUp":
        if (isOpen()) {
          event.preventDefault();
          setActive(active - 1);
        }
        break;
      case "Enter":
        if (isOpen()) {
          event.preventDefault(); // choosing must not submit the form
          if (active >= 0 && shown[active]) choose(shown[active]);
          else close();
        }
        break;
      case "Escape":
        if (isOpen()) {
          event.preventDefault();
          input.value = selectedText();
          close();
        }
        break;
      case "Tab":
        if (isOpen() && active >= 0 && shown[active] && normalise(input.value) !== normalise(selectedText())) {
          choose(shown[active]);
        }
        break;
      default:
    }
  });

  input.addEventListener("blur", () => {
    // Give a click on an option the chance to land first.
    setTimeout(() => {
      if (document.activeElement !== input) settle();
    }, 150);
  });

  listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
  listbox.addEventListener("click", (event) => {
    const item = event.target.closest("[role='option']");
    if (!item) return;
    choose(shown[Number(item.dataset.index)]);
    input.focus();
  });

  // Another script changed the select: show its choice.
  select.addEventListener("change", () => {
    if (normalise(input.value) !== normalise(selectedText()) && document.activeElement !== input) {
      input.value = selectedText();
    }
  });

  return {
    input,
    select,
    clear: () => choose(null),
    choose: (value) => choose(groups.flatMap((g) => g.options).find((o) => o.value === value) || null),
  };
}

export function enhanceAll(root = document) {
  return [...root.querySelectorAll("select[data-module='tracker-combobox']")].map((select) => enhanceSelect(select));
}
