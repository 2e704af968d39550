// JSON API client: same-origin fetches; errors carry the server's {"error": message}.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function parse(response) {
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const message = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message);
  }
  return body;
}

/** GET a JSON document. */
export async function getJSON(path, options = {}) {
  const response = await fetch(path, {
    credentials: "same-origin", headers: { Accept: "application/json" }, signal: options.signal,
  });
  return parse(response);
}

/** POST a JSON body (same-origin only; the server checks Origin). */
export async function postJSON(path, body) {
  const response = await fetch(path, {
    method: "POST",
    mode: "same-origin",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body === undefined ? {} : body),
  });
  return parse(response);
}

/** Query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
