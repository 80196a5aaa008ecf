// The request form: generated from what the API lists (models, their classes and verifiers, the algorithms with their
// parameters), bounds checked before anything is sent, and every refusal shown next to the field it names.

const $ = (id) => document.getElementById(id);

/** Request fields with a place for their message on the form (generation.v1.GenerateRequest's names). */
export const FIELDS = ["model", "class", "prompt", "algorithm", "verifier", "reported_verifiers", "budget_nfe", "top_k", "sampler", "steps",
  "guidance", "eta", "seed", "deadline", "target_score", "patience", "previews"];

const MAX_REPORTED = 4;
let catalog = null; // { models, algorithms, verifiers, quota }

function option(value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

function model() { return catalog.models.find((m) => m.name === $("model").value); }

function algorithm() { return catalog.algorithms.find((a) => a.name === $("algorithm").value); }

/** A verifier's cost per scored image in NFE-equivalents of the model (its FLOPs over the model's FLOPs per NFE). */
function costPerImage(verifierName, m) {
  const v = catalog.verifiers.find((x) => x.name === verifierName);
  if (!v || !v.flopsPerImage || !m.forwardFlops) return null;
  return v.flopsPerImage / m.forwardFlops;
}

function showModel() {
  const m = model();
  const image = m.image ?? {};
  const kind = m.conditioning === "text" ? `text (${m.textEncoder})` : `${m.classes.length} classes`;
  $("model-info").textContent = `${image.channels === 3 ? "RGB" : "grayscale"} ${image.width}x${image.height}; conditioned on ${kind}; ` +
    `${m.backend}; defaults: ${m.defaultSampler}, ${m.defaultSteps} steps, guidance ${m.defaultGuidance}`;
  const isText = m.conditioning === "text";
  $("class-field").hidden = isText;
  $("prompt-field").hidden = !isText;
  const classes = $("class");
  classes.replaceChildren(...(m.classes ?? []).map((c, i) => option(String(i), c)));
  $("steps").placeholder = String(m.defaultSteps);
  $("guidance").placeholder = String(m.defaultGuidance);
  const verifier = $("verifier");
  verifier.replaceChildren(option("", `the model's default (${m.defaultVerifier || "none"})`), ...(m.verifiers ?? []).map((v) => option(v, v)));
  const reported = $("reported-fields");
  reported.classList.add("checks");
  reported.replaceChildren(...(m.verifiers ?? []).map((v) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = v;
    box.name = "reported";
    label.append(box, v);
    return label;
  }));
  showCost();
}

function showParameters() {
  const a = algorithm();
  const fields = (a?.parameters ?? []).map((p) => {
    const div = document.createElement("div");
    div.className = "field parameter";
    const id = `param-${p.name}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = p.name;
    let input;
    if (p.kind === "choice") {
      input = document.createElement("select");
      input.append(option("", `default${p.defaultValue ? ` (${p.defaultValue})` : ""}`), ...(p.choices ?? []).map((c) => option(c, c)));
    } else {
      input = document.createElement("input");
      input.type = p.kind === "list" ? "text" : "number";
      if (p.kind === "integer") input.step = "1";
      if (p.kind === "number") input.step = "any";
      input.placeholder = p.defaultValue || "from the budget";
      if (p.kind === "list") input.pattern = "\\[[-0-9.;eE ]*\\]";
    }
    input.id = id;
    input.dataset.parameter = p.name;
    input.dataset.kind = p.kind;
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.id = `${id}-hint`;
    hint.textContent = `${p.description}${p.kind === "list" ? " (numbers as [a;b])" : ""}`;
    input.setAttribute("aria-describedby", hint.id);
    div.append(label, input, hint);
    return div;
  });
  $("parameter-fields").replaceChildren(...fields);
  $("parameters").hidden = fields.length === 0;
}

export function showCost() {
  const m = model();
  if (!m) return;
  const budget = Number($("budget_nfe").value) || 0;
  const chosen = $("verifier").value || m.defaultVerifier;
  const per = costPerImage(chosen, m);
  $("verifier-cost").textContent = per === null
    ? `${chosen || "no verifier"}: its cost per scored image is not known`
    : `${chosen}: ${per.toFixed(3)} NFE-equivalents per scored image; charged with the NFE, at most 4 x the budget (${4 * budget})`;
  const max = catalog.quota?.maxBudgetPerRequest;
  $("budget-hint").textContent = `Denoiser evaluations the search may spend${max ? `; at most ${max} for your tenant` : ""}. ` +
    `One sample of ${Number($("steps").value) || m.defaultSteps} steps costs about that many NFE (Heun: about twice).`;
}

/** Loads the form from the catalogue (models with their algorithms, verifiers) and the tenant's quota. */
export function load(models, verifiers, usage) {
  catalog = { models: models.models ?? [], algorithms: models.algorithmDetails ?? [], verifiers: verifiers.verifiers ?? [], quota: usage.quota };
  $("model").replaceChildren(...catalog.models.map((m) => option(m.name, m.name)));
  $("algorithm").replaceChildren(...catalog.algorithms.map((a) => option(a.name, a.name)));
  if (catalog.quota?.maxBudgetPerRequest) $("budget_nfe").max = String(catalog.quota.maxBudgetPerRequest);
  showModel();
  showParameters();
  $("model").onchange = () => { clearErrors(); showModel(); };
  $("algorithm").onchange = () => { clearErrors(); showParameters(); };
  for (const id of ["verifier", "budget_nfe", "steps"]) $(id).addEventListener("input", showCost);
}

export function clearErrors() {
  for (const f of [...FIELDS, "form"]) {
    const slot = $(`err-${f}`);
    if (slot) slot.textContent = "";
    const input = $(f);
    if (input) input.removeAttribute("aria-invalid");
  }
}

/** Shows `message` next to `field` (or at the top of the form when the form has no such field) and moves focus there. */
export function showError(field, message) {
  const slot = (field && $(`err-${field}`)) || $("err-form");
  slot.textContent = message;
  const input = field ? (field === "reported_verifiers" ? document.querySelector("#reported-fields input") : $(field)) : null;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

class FieldError extends Error {
  constructor(field, message) { super(`${field}: ${message}`); this.field = field; }
}

function integer(id, min, max, optional = true) {
  const text = $(id).value.trim();
  if (text === "") {
    if (optional) return undefined;
    throw new FieldError(id, "required");
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new FieldError(id, `must be a whole number from ${min} to ${max} (got ${text})`);
  return n;
}

function number(id, min, max, below) {
  const text = $(id).value.trim();
  if (text === "") return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || (below ? n >= max : n > max)) throw new FieldError(id, `must be from ${min} to ${below ? "under " : ""}${max} (got ${text})`);
  return n;
}

function algorithmSpec() {
  const a = algorithm();
  const parts = [];
  for (const input of document.querySelectorAll("#parameter-fields [data-parameter]")) {
    const value = input.value.trim();
    if (value === "") continue;
    if (input.dataset.kind === "integer" && !Number.isInteger(Number(value))) throw new FieldError("algorithm", `${input.dataset.parameter} must be a whole number (got ${value})`);
    if (input.dataset.kind === "number" && !Number.isFinite(Number(value))) throw new FieldError("algorithm", `${input.dataset.parameter} must be a number (got ${value})`);
    if (/[\s,()=]/.test(value.replace(/^\[|\]$/g, ""))) throw new FieldError("algorithm", `${input.dataset.parameter}: a value without spaces, commas or parentheses`);
    parts.push(`${input.dataset.parameter}=${value}`);
  }
  return parts.length ? `${a.name}(${parts.join(",")})` : a.name;
}

/** The GenerateRequest the form describes, checked against the bounds the API states; throws naming the first bad field. */
function request() {
  const m = model();
  const maxBudget = catalog.quota?.maxBudgetPerRequest ?? 100000;
  const r = { model: m.name, algorithm: algorithmSpec() };
  if (m.conditioning === "text") {
    r.prompt = $("prompt").value.trim();
    if (!r.prompt) throw new FieldError("prompt", "required for a text model");
  } else r.class = $("class").value;
  if ($("verifier").value) r.verifier = $("verifier").value;
  const reported = [...document.querySelectorAll("#reported-fields input:checked")].map((b) => b.value);
  if (reported.length > MAX_REPORTED) throw new FieldError("reported_verifiers", `at most ${MAX_REPORTED} (got ${reported.length})`);
  if (reported.length) r.reportedVerifiers = reported;
  r.budgetNfe = integer("budget_nfe", 1, maxBudget, false);
  r.topK = integer("top_k", 1, 16);
  const seed = $("seed").value.trim();
  if (seed !== "") {
    if (!/^\d{1,20}$/.test(seed) || BigInt(seed) > 18446744073709551615n) throw new FieldError("seed", `a whole number from 0 to 18446744073709551615 (got ${seed})`);
    r.seed = seed;
  }
  if ($("sampler").value) r.sampler = $("sampler").value;
  r.steps = integer("steps", 1, 200);
  r.guidance = number("guidance", 0, 20, false);
  r.eta = number("eta", 0, 1, true);
  r.targetScore = number("target_score", -1e300, 1e300, false);
  r.patience = integer("patience", 1, 4096);
  r.previews = integer("previews", 0, 4);
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return r;
}

/** The request, or null after showing why not. */
export function read() {
  clearErrors();
  try {
    return request();
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    showError(e.field, e.message);
    return null;
  }
}

/** Fills the form with `r` (a request this browser sent), its budget multiplied by `factor` within the tenant's limit. */
export function fill(r, factor) {
  clearErrors();
  $("model").value = r.model;
  showModel();
  if (r.class !== undefined) $("class").value = r.class;
  if (r.prompt !== undefined) $("prompt").value = r.prompt;
  const name = (r.algorithm ?? "random").replace(/\(.*$/, "");
  $("algorithm").value = name;
  showParameters();
  const inside = /\((.*)\)$/.exec(r.algorithm ?? "");
  for (const pair of inside ? inside[1].split(",") : []) {
    const [k, v] = pair.split("=");
    const input = document.querySelector(`#parameter-fields [data-parameter="${CSS.escape(k)}"]`);
    if (input) input.value = v;
  }
  $("verifier").value = r.verifier ?? "";
  for (const box of document.querySelectorAll("#reported-fields input")) box.checked = (r.reportedVerifiers ?? []).includes(box.value);
  const max = catalog.quota?.maxBudgetPerRequest ?? Infinity;
  $("budget_nfe").value = String(Math.min(max, Math.round(r.budgetNfe * factor)));
  for (const [id, key] of [["top_k", "topK"], ["seed", "seed"], ["steps", "steps"], ["guidance", "guidance"], ["eta", "eta"],
    ["target_score", "targetScore"], ["patience", "patience"], ["previews", "previews"]]) $(id).value = r[key] ?? "";
  $("sampler").value = r.sampler ?? "";
  showCost();
  $("budget_nfe").focus();
}
