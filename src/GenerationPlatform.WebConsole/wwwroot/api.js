// The public HTTP/JSON API, called with the tenant's key from this tab: nothing here bypasses what any client goes through.

const KEY = "genplat.apiKey";

/** The key of this tab (session storage: gone with the tab, never in a URL). */
export const key = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A refused call: the API's google.rpc.Status (code, message) with the HTTP status and, on 429, when to retry. */
export class ApiError extends Error {
  constructor(httpStatus, code, message, retryAfter) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** The request field a refusal names ("budget_nfe: at most ..."), without an item index; null when it names none. */
  get field() {
    const m = /^([a-z_]+)(\[\d+\])?: /.exec(this.message);
    return m ? m[1] : null;
  }
}

function headers(extra) {
  const h = { Authorization: `Bearer ${key.get() ?? ""}`, Accept: "application/json" };
  return Object.assign(h, extra);
}

async function refusal(response) {
  let code = 0, message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (typeof body.message === "string") message = body.message;
    if (typeof body.code === "number") code = body.code;
  } catch { /* not the API's shape: the HTTP status says it */ }
  const retry = Number(response.headers.get("Retry-After"));
  return new ApiError(response.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
}

async function call(method, path, body) {
  const init = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}), cache: "no-store" };
  if (body) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (!response.ok) throw await refusal(response);
  return response.json();
}

export const api = {
  models: () => call("GET", "/v1/models"),
  verifiers: () => call("GET", "/v1/verifiers"),
  usage: () => call("GET", "/v1/usage"),
  submit: (request) => call("POST", "/v1/jobs", request),
  job: (id) => call("GET", `/v1/jobs/${encodeURIComponent(id)}`),
  cancel: (id) => call("POST", `/v1/jobs/${encodeURIComponent(id)}:cancel`),
  jobs: (state, pageToken) => {
    const q = new URLSearchParams({ pageSize: "20" });
    if (state) q.set("state", state);
    if (pageToken) q.set("pageToken", pageToken);
    return call("GET", `/v1/jobs?${q}`);
  },
};

/**
 * Follows a job's updates from index `from`, one JobUpdate a line of the transcoded Watch stream, calling `onUpdate` for each,
 * until a terminal update, `signal`'s abort, or an error (thrown). Returns the next index to watch from.
 */
export async function watch(id, from, onUpdate, signal) {
  const response = await fetch(`/v1/jobs/${encodeURIComponent(id)}:watch?fromIndex=${from}`, { headers: headers(), signal, cache: "no-store" });
  if (!response.ok) {
    const e = await refusal(response);
    // DEADLINE_EXCEEDED before the first update: the server's longest stream is over, the job goes on.
    if (e.code === 4) return { next: from, terminal: false };
    throw e;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "", next = from;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    let end;
    while ((end = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (!line) continue;
      const update = JSON.parse(line);
      if (update.code !== undefined && update.message !== undefined && update.jobId === undefined) {
        // A status the stream ended with. DEADLINE_EXCEEDED: the server's longest stream is over, the job goes on.
        if (update.code === 4) return { next, terminal: false };
        throw new ApiError(500, update.code, update.message, null);
      }
      next = (update.index ?? next) + 1;
      onUpdate(update);
      if (update.result || update.ended) return { next, terminal: true };
    }
  }
  return { next, terminal: false };
}

/** Bytes of a base64 string, as a Blob of `type`. */
export function blobOf(base64, type) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}
