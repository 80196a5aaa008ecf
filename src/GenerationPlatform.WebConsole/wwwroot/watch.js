// A job as it runs: its updates followed live (re-attached from the last index after a dropped connection), each round's
// best candidates as pictures with their scores, NFE spent against the budget, the time; then its result.

import { api, watch, blobOf, ApiError } from "./api.js";

const $ = (id) => document.getElementById(id);
const STATES = {
  JOB_STATE_RUNNING: "running", JOB_STATE_COMPLETED: "completed", JOB_STATE_CANCELLED: "cancelled",
  JOB_STATE_DEADLINE_EXCEEDED: "past its deadline", JOB_STATE_FAILED: "failed",
};

let current = null; // { id, request, controller, started, timer }

export const stateName = (s) => STATES[s] ?? s;

function figure(png, caption, alt, width) {
  const f = document.createElement("figure");
  const img = document.createElement("img");
  img.src = `data:image/png;base64,${png}`;
  img.alt = alt;
  if (width) img.width = width;
  const c = document.createElement("figcaption");
  c.textContent = caption;
  f.append(img, c);
  return f;
}

const seedText = (s) => `seed ${s?.seed ?? 0}, round ${s?.round ?? 0}, candidate ${s?.candidate ?? 0}`;
const score = (x) => (typeof x === "number" ? x.toFixed(4) : String(x));

function showState(text) { $("job-state").textContent = text; }

function showSpent(nfe) {
  const spent = Number(nfe?.search ?? 0) + Number(nfe?.final ?? 0);
  const budget = Number(nfe?.budget ?? $("nfe-bar").max);
  $("nfe-bar").max = budget || 1;
  $("nfe-bar").value = spent;
  $("nfe-label").textContent = `NFE spent: ${spent} of ${budget}`;
}

function onProgress(update) {
  const p = update.progress;
  showSpent(p.nfe);
  $("best-score").textContent = score(p.bestScore);
  const li = document.createElement("li");
  li.dataset.round = String(p.round ?? 0);
  li.dataset.index = String(update.index);
  // How long after the job recorded it this update is shown: the console's own latency, read by its tests.
  li.dataset.latencyMs = String(Math.max(0, Date.now() - Date.parse(update.at)));
  const head = document.createElement("p");
  head.textContent = `Round ${p.round ?? 0}: best ${score(p.bestScore)}; ${(p.best ?? []).map((b) => score(b.score)).join(", ")}`;
  li.append(head);
  if (p.previews?.length) {
    const thumbs = document.createElement("div");
    thumbs.className = "thumbs";
    for (const v of p.previews) {
      const partway = v.origin === "preview" ? " (part-way)" : "";
      thumbs.append(figure(v.png, `#${v.rank} ${score(v.score)}${partway}`, `candidate ${v.rank} of round ${p.round ?? 0}, score ${score(v.score)}${partway}`));
    }
    li.append(thumbs);
  }
  $("rounds").prepend(li);
}

function onUpdate(update) {
  if (update.accepted) {
    const a = update.accepted;
    showSpent({ search: 0, final: 0, budget: a.budgetNfe });
    $("job-cost").textContent = `Budget ${a.budgetNfe} NFE; verifiers planned at most ${a.verifierNfePlanned ?? 0} NFE-equivalents; seed ${a.seed}`;
    if (current && current.request && current.request.seed === undefined) current.request.seed = String(a.seed);
  } else if (update.progress) onProgress(update);
  else if (update.result) {
    showSpent(update.result.nfe);
    finish("JOB_STATE_COMPLETED");
    showResult(current.id);
  } else if (update.ended) {
    showSpent(update.ended.nfe);
    finish(update.ended.state, update.ended.message);
  }
}

function finish(state, message) {
  showState(stateName(state) + (message ? `: ${message}` : ""));
  $("cancel").disabled = true;
  clearInterval(current?.timer);
  document.dispatchEvent(new CustomEvent("job-ended"));
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
});

/** Follows the job until it ends, re-attaching from the next index after a dropped stream or a refusal that a retry can pass. */
async function follow(job, status) {
  let next = 0, delay = 500;
  while (!job.controller.signal.aborted) {
    try {
      const from = next;
      const r = await watch(job.id, next, onUpdate, job.controller.signal);
      next = r.next;
      if (r.terminal) return;
      // The stream ended without the job's end: re-attach at once if it brought updates, else after the back-off, so
      // a stream that keeps ending empty is never re-opened in a tight loop.
      if (next > from) {
        delay = 500;
        continue;
      }
    } catch (e) {
      if (job.controller.signal.aborted) return;
      if (e instanceof ApiError && [400, 401, 403, 404].includes(e.httpStatus)) {
        finish("", e.message);
        return;
      }
      if (e instanceof ApiError && e.retryAfter) delay = e.retryAfter * 1000;
      status(`Connection to job ${job.id} lost; re-attaching from update ${next}...`);
    }
    await sleep(delay, job.controller.signal);
    delay = Math.min(delay * 2, 10000);
    status("");
  }
}

/** Shows `id` live from its first update; `request` is what this browser sent (null for a job from the history). */
export function show(id, request, status) {
  current?.controller.abort();
  clearInterval(current?.timer);
  const job = { id, request, controller: new AbortController(), started: performance.now() };
  current = job;
  $("watch").hidden = false;
  $("result").hidden = true;
  $("job-id").textContent = id;
  $("rounds").replaceChildren();
  $("best-score").textContent = "–";
  $("job-cost").textContent = "";
  showState("running");
  $("cancel").disabled = false;
  job.timer = setInterval(() => { $("elapsed").textContent = `${((performance.now() - job.started) / 1000).toFixed(1)} s`; }, 100);
  $("cancel").onclick = async () => {
    $("cancel").disabled = true;
    try {
      const r = await api.cancel(id);
      status(r.cancelling ? `Cancelling job ${id}...` : `Job ${id} had already ended.`);
    } catch (e) {
      status(`Cancel: ${e.message}`);
      $("cancel").disabled = false;
    }
  };
  follow(job, status);
  $("watch").scrollIntoView({ block: "start" });
}

/** Reads the job's stored result and shows it: the images at a readable scale, their scores and seeds, downloads. */
export async function showResult(id) {
  const job = await api.job(id);
  const r = job.result;
  if (!r) return;
  const model = current?.request?.model;
  $("result").hidden = false;
  $("result-summary").textContent = `${r.algorithm} with ${r.verifier}: ${r.rounds} rounds, ${r.nfe.search} NFE searching + ${r.nfe.final} final ` +
    `of ${r.nfe.budget}; verifiers ${Number(r.verifierNfeEquivalents ?? 0).toFixed(1)} NFE-equivalents; ${r.verifiedImages} images verified; ` +
    `stopped: ${r.stopReason}.`;
  const items = (r.images ?? []).map((image) => {
    const li = document.createElement("li");
    const scores = Object.entries(image.scoresByVerifier ?? {}).map(([k, v]) => `${k} ${score(v)}`).join("; ");
    const f = figure(image.png, "", `result ${image.rank}, score ${score(image.score)}`, 224);
    const caption = f.querySelector("figcaption");
    caption.textContent = `#${image.rank}: ${score(image.score)} (${scores}); ${seedText(image.seed)}; ${image.origin}. `;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blobOf(image.png, "image/png"));
    a.download = `${id}-top-${image.rank}.png`;
    a.textContent = `Download top-${image.rank}.png`;
    caption.append(a);
    li.append(f);
    return li;
  });
  $("result-images").replaceChildren(...items);
  const record = { ...r, images: (r.images ?? []).map(({ png, ...rest }) => rest) };
  const link = $("download-json");
  link.href = URL.createObjectURL(new Blob([JSON.stringify(record, null, 2)], { type: "application/json" }));
  link.download = `${id}-result.json`;
  $("run-again").hidden = !(current?.id === id && current.request);
  $("run-again").dataset.model = model ?? "";
}

/** The request of the job shown, when this browser sent it. */
export const shownRequest = () => current?.request ?? null;
