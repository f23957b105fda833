/**
 * `metav1.Status` error bodies exactly as kube-apiserver sends them, and the typed error the API layer
 * throws so the HTTP layer can answer with the right code and body.
 */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusBody['details'],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) body.details = this.details;
    if (!this.reason) delete body.reason;
    return body;
  }
}

export function successStatus(code = 200): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

export const notFound = (qualified: string, name: string, group: string, plural: string) =>
  new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, {
    name,
    ...(group ? { group } : {}),
    kind: plural,
  });

export const alreadyExists = (qualified: string, name: string, group: string, plural: string) =>
  new ApiError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, {
    name,
    ...(group ? { group } : {}),
    kind: plural,
  });

export const conflict = (qualified: string, name: string, group: string, plural: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    },
  );

export const invalid = (kind: string, name: string, causes: StatusCause[], group = '') =>
  new ApiError(
    422,
    'Invalid',
    `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes,
    },
  );

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
