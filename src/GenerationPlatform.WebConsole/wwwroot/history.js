// The tenant's jobs (ListJobs, newest first, a page at a time) and its usage against its quotas (GetUsage).

import { api } from "./api.js";
import { stateName } from "./watch.js";

const $ = (id) => document.getElementById(id);
let nextToken = "";

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function row(job, open) {
  const tr = document.createElement("tr");
  const first = document.createElement("td");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link";
  button.textContent = job.jobId.slice(0, 16);
  button.title = job.jobId;
  button.onclick = () => open(job.jobId);
  first.append(button);
  const spent = job.state === "JOB_STATE_RUNNING" ? "running" : `${job.spentNfe ?? 0}`;
  tr.append(first, cell(stateName(job.state)), cell(job.model), cell(job.algorithm), cell(`${spent} of ${job.budgetNfe}`),
    cell(new Date(job.acceptedAt).toLocaleString()));
  return tr;
}

/** Lists the first page again (or, with `more`, the next one). */
export async function loadJobs(open, more = false) {
  const page = await api.jobs($("history-state").value, more ? nextToken : "");
  const rows = (page.jobs ?? []).map((j) => row(j, open));
  if (more) $("history-rows").append(...rows);
  else $("history-rows").replaceChildren(...rows);
  nextToken = page.nextPageToken ?? "";
  $("history-more").hidden = !nextToken;
}

function entry(term, value, max) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  if (max) {
    const meter = document.createElement("meter");
    meter.min = 0;
    meter.max = Number(max);
    meter.value = Number(value);
    meter.high = Number(max) * 0.8;
    meter.setAttribute("aria-label", term);
    dd.append(meter, ` ${value} of ${max}`);
  } else dd.textContent = String(value);
  return [dt, dd];
}

export async function loadUsage() {
  const u = await api.usage();
  const q = u.quota ?? {};
  $("usage-list").replaceChildren(
    ...entry("Jobs running", u.activeJobs ?? 0, q.maxConcurrentJobs),
    ...entry("Charged in the last minute (NFE + verifier NFE-eq.)", u.chargedLastMinute ?? 0, q.nfePerMinute),
    ...entry("Charged today (UTC)", u.chargedToday ?? 0, q.nfePerDay),
    ...entry("Of which verifiers today", u.verifierNfeToday ?? 0),
    ...entry("Largest budget of one request", q.maxBudgetPerRequest ?? 0),
    ...entry("Jobs admitted, ever", u.jobsAdmitted ?? 0),
    ...entry("Jobs turned away by a quota, ever", u.jobsRejected ?? 0));
  return u;
}
