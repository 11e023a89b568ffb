/** Vectors as both stores keep them: float32 values, one blob (SQLite) or bytea (PostgreSQL) a vector. */

/** A stored vector's values. */
export function toFloats(buffer: Buffer): Float32Array {
  // Copy: the driver's buffer may not be 4-byte aligned.
  return new Float32Array(new Uint8Array(buffer).buffer);
}

/** Rows of stored vectors as one row-major matrix, in the rows' order. */
export function asMatrix(rows: readonly { rowid: number; vector: Buffer }[]): { rowids: number[]; vectors: Float32Array; dims: number } {
  const dims = rows[0] ? rows[0].vector.byteLength / 4 : 0;
  const vectors = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => vectors.set(toFloats(row.vector), i * dims));
  return { rowids: rows.map((row) => row.rowid), vectors, dims };
}
