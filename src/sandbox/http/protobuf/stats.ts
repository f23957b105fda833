/**
 * Counts how protobuf requests were answered: in protobuf, in JSON because an object could not be encoded
 * (the fallback), or refused with 406; keeps the last encoding failure for debugging.
 */
export class ProtobufStats {
  responses = 0;
  fallbacks = 0;
  refusals = 0;
  lastFailure?: string;

  failed(what: string, refused: boolean): void {
    if (refused) this.refusals++;
    else this.fallbacks++;
    this.lastFailure = what;
  }

  snapshot(): { responses: number; fallbacks: number; refusals: number; lastFailure?: string } {
    return {
      responses: this.responses,
      fallbacks: this.fallbacks,
      refusals: this.refusals,
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }

  /** Prometheus text lines. */
  render(): string[] {
    return [
      '# HELP sandbox_protobuf_responses_total Requests that asked for protobuf, by how they were answered.',
      '# TYPE sandbox_protobuf_responses_total counter',
      `sandbox_protobuf_responses_total{answer="protobuf"} ${this.responses}`,
      `sandbox_protobuf_responses_total{answer="json-fallback"} ${this.fallbacks}`,
      `sandbox_protobuf_responses_total{answer="not-acceptable"} ${this.refusals}`,
    ];
  }

  reset(): void {
    this.responses = 0;
    this.fallbacks = 0;
    this.refusals = 0;
    this.lastFailure = undefined;
  }
}
