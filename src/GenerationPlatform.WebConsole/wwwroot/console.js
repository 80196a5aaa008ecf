// The console's entry: signing in with an API key, then the form, the live job, the history and the usage.

import { api, key, ApiError } from "./api.js";
import * as compose from "./compose.js";
import * as job from "./watch.js";
import { loadJobs, loadUsage } from "./history.js";

const $ = (id) => document.getElementById(id);

function status(text) { $("status").textContent = text; }

function describe(e) {
  if (!(e instanceof ApiError)) return `The server could not be reached (${e.message}).`;
  return e.retryAfter ? `${e.message} (retry in ${e.retryAfter} s)` : e.message;
}

async function signIn(candidate) {
  key.set(candidate);
  try {
    const usage = await api.usage();
    const [models, verifiers] = await Promise.all([api.models(), api.verifiers()]);
    compose.load(models, verifiers, usage);
    $("tenant").textContent = `Signed in as ${usage.tenant}`;
    $("signed-in").hidden = false;
    $("sign-in").hidden = true;
    $("app").hidden = false;
    $("api-key").value = "";
    await Promise.all([loadUsage(), loadJobs(open)]);
    $("model").focus();
    return true;
  } catch (e) {
    key.clear();
    const wrong = e instanceof ApiError && e.httpStatus === 401;
    $("err-api-key").textContent = wrong ? "That API key was not accepted: check it and sign in again." : describe(e);
    $("api-key").setAttribute("aria-invalid", "true");
    $("api-key").focus();
    return false;
  }
}

function signOut() {
  key.clear();
  location.reload();
}

function open(id) {
  status("");
  job.show(id, null, status);
}

async function submit(event) {
  event.preventDefault();
  status("");
  const request = compose.read();
  if (!request) return;
  $("run").disabled = true;
  try {
    const accepted = await api.submit(request);
    job.show(accepted.jobId, request, status);
    loadJobs(open).catch(() => { });
    loadUsage().catch(() => { });
  } catch (e) {
    if (e instanceof ApiError && e.field && compose.FIELDS.includes(e.field)) compose.showError(e.field, e.message);
    else compose.showError(null, describe(e));
  } finally {
    $("run").disabled = false;
  }
}

function runAgain() {
  const request = job.shownRequest();
  if (!request) return;
  compose.fill(request, 2);
  $("compose").scrollIntoView({ block: "start" });
  status("The same request with twice the budget: change what you like and run it.");
}

function wire() {
  $("sign-in-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const candidate = $("api-key").value.trim();
    $("err-api-key").textContent = "";
    if (!candidate) {
      $("err-api-key").textContent = "Enter your API key.";
      $("api-key").focus();
      return;
    }
    signIn(candidate);
  });
  $("sign-out").onclick = signOut;
  $("job-form").addEventListener("submit", submit);
  $("run-again").onclick = runAgain;
  $("history-refresh").onclick = () => loadJobs(open).catch((e) => status(describe(e)));
  $("history-state").onchange = () => loadJobs(open).catch((e) => status(describe(e)));
  $("history-more").onclick = () => loadJobs(open, true).catch((e) => status(describe(e)));
  $("usage-refresh").onclick = () => loadUsage().catch((e) => status(describe(e)));
  document.addEventListener("job-ended", () => {
    loadJobs(open).catch(() => { });
    loadUsage().catch(() => { });
  });
}

wire();
if (key.get()) signIn(key.get());
